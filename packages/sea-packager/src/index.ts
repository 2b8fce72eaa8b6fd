export { makeSeaExecutable, type SeaExecutable, type SeaExecutableOptions } from './sea-executable.js';
export { captureTool, hasTool, runTool, type RunToolOptions } from './run-tool.js';
export { mib, packageSteps, PackageError, seconds, type Steps } from './steps.js';
export { bundleMainScript, type MainScriptOptions } from './bundle-main-script.js';
