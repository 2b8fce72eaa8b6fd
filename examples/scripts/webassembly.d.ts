// Node provides WebAssembly as a global, but TypeScript declares its JS API only in the DOM and web-worker
// libs, which would bring in browser globals too. The one function the scripts call:
declare namespace WebAssembly {
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
