/**
 * Rewrites a core module so that its one linear memory is imported instead of defined. The host then
 * creates the memory itself, which gives two things V8 offers no other way: a maximum size the guest
 * cannot raise (`SPIN_MAX_INSTANCE_MEMORY`), and memories reused across instances (allocating and
 * page-faulting a fresh 9 MiB memory dominates instantiating a JS SDK component). Instantiation still
 * applies the data segments and starts from fresh globals and tables, so the guest sees exactly what a new
 * instance sees once the memory is zeroed. Hand-written: only the section framing and the import and memory
 * sections are touched, which no maintained npm library does without re-encoding the whole module.
 */

/** The import the rewritten module declares for its memory. */
export const MEMORY_IMPORT = { module: 'spinkube:host', name: 'memory' } as const;
export const WASM_PAGE = 65_536;

export interface MemoryPlan {
  readonly initialPages: number;
  /** The memory's maximum in pages, if the module or the host's limit sets one. */
  readonly maximumPages?: number;
  /**
   * The module's active data segments, pre-applied: the host copies these bytes to `offset` before
   * instantiating, instead of V8 applying every segment (a Wizer snapshot has thousands). The bytes are in
   * shared memory: every worker and every app built from the component read one copy.
   */
  readonly image?: { readonly offset: number; readonly bytes: Uint8Array };
}

export interface RewrittenModule {
  readonly bytes: Uint8Array;
  readonly memory: MemoryPlan;
}

const SECTION = { custom: 0, type: 1, import: 2, memory: 5, data: 11 } as const;
const EXTERN_MEMORY = 2;

/**
 * Returns the rewritten module, or undefined when the module does not define exactly one plain 32-bit
 * memory (it imports one already, defines several, or uses shared/64-bit memories): such modules run as
 * they are.
 */
export function importMemory(module: Uint8Array, maxPagesLimit?: number): RewrittenModule | undefined {
  const sections = readSections(module);
  const imports = sections.find((s) => s.id === SECTION.import);
  const memories = sections.find((s) => s.id === SECTION.memory);
  if (!memories) return undefined;
  if (imports && importsMemory(module, imports)) return undefined;

  const memoryReader = new Reader(module, memories.start);
  if (memoryReader.u32() !== 1) return undefined;
  const flags = memoryReader.u32();
  if (flags !== 0 && flags !== 1) return undefined;
  const initialPages = memoryReader.u32();
  const declaredMax = flags === 1 ? memoryReader.u32() : undefined;
  const limits = [declaredMax, maxPagesLimit].filter((v): v is number => v !== undefined);
  const maximumPages = limits.length > 0 ? Math.max(initialPages, Math.min(...limits)) : undefined;
  const dataSection = sections.find((s) => s.id === SECTION.data);
  const data = dataSection ? dataImage(module, dataSection, initialPages * WASM_PAGE) : undefined;
  const memory: MemoryPlan = {
    initialPages,
    ...(maximumPages === undefined ? {} : { maximumPages }),
    ...(data ? { image: data.image } : {}),
  };

  const entry = [
    ...name(MEMORY_IMPORT.module),
    ...name(MEMORY_IMPORT.name),
    EXTERN_MEMORY,
    ...(maximumPages === undefined
      ? [0, ...u32(initialPages)]
      : [1, ...u32(initialPages), ...u32(maximumPages)]),
  ];
  const importSection = imports
    ? concatBytes([
        u32(new Reader(module, imports.start).u32() + 1),
        module.subarray(imports.start + u32Length(module, imports.start), imports.end),
        entry,
      ])
    : Uint8Array.from([...u32(1), ...entry]);

  const parts: (Uint8Array | number[])[] = [module.subarray(0, 8)];
  let importWritten = false;
  for (const section of sections) {
    if (section.id === SECTION.import) {
      parts.push(framed(SECTION.import, importSection));
      importWritten = true;
      continue;
    }
    // Without an import section, it goes right before the first known section that must follow it.
    if (!importWritten && section.id !== SECTION.custom && section.id !== SECTION.type) {
      parts.push(framed(SECTION.import, importSection));
      importWritten = true;
    }
    if (section.id === SECTION.memory) continue;
    if (section.id === SECTION.data && data) {
      parts.push(framed(SECTION.data, data.section));
      continue;
    }
    parts.push(module.subarray(section.headerStart, section.end));
  }
  return { bytes: concatBytes(parts), memory };
}

/**
 * Folds the active data segments (constant offsets into memory 0) into one image and replaces each with an
 * empty passive segment, which keeps segment indices (`data.drop`, the data count) valid. Passive segments
 * stay. Undefined when a segment's offset is not a constant or the image does not fit the initial memory.
 */
function dataImage(
  module: Uint8Array,
  section: Section,
  memoryBytes: number,
): { image: { offset: number; bytes: Uint8Array }; section: Uint8Array } | undefined {
  const reader = new Reader(module, section.start);
  const count = reader.u32();
  const active: { offset: number; bytes: Uint8Array }[] = [];
  const rewritten: (Uint8Array | number[])[] = [u32(count)];
  for (let i = 0; i < count; i++) {
    const start = reader.offset;
    const flags = reader.u32();
    if (flags === 1) {
      const length = reader.u32();
      reader.offset += length;
      rewritten.push(module.subarray(start, reader.offset));
      continue;
    }
    if (flags === 2 && reader.u32() !== 0) return undefined;
    if (flags !== 0 && flags !== 2) return undefined;
    if (reader.byte() !== 0x41) return undefined; // i32.const
    const offset = reader.s32() >>> 0;
    if (reader.byte() !== 0x0b) return undefined; // end
    const length = reader.u32();
    if (offset + length > memoryBytes) return undefined;
    active.push({ offset, bytes: module.subarray(reader.offset, reader.offset + length) });
    reader.offset += length;
    rewritten.push([1, 0]);
  }
  if (active.length === 0) return undefined;
  const low = Math.min(...active.map((segment) => segment.offset));
  const high = Math.max(...active.map((segment) => segment.offset + segment.bytes.length));
  // In shared memory, so that messages to workers share it instead of copying it for every app.
  const bytes = new Uint8Array(new SharedArrayBuffer(high - low));
  // In order: a later segment overwrites an earlier one, as instantiation does.
  for (const segment of active) bytes.set(segment.bytes, segment.offset - low);
  return { image: { offset: low, bytes }, section: concatBytes(rewritten) };
}

interface Section {
  readonly id: number;
  readonly headerStart: number;
  readonly start: number;
  readonly end: number;
}

function readSections(module: Uint8Array): Section[] {
  const sections: Section[] = [];
  const reader = new Reader(module, 8);
  while (reader.offset < module.length) {
    const headerStart = reader.offset;
    const id = module[reader.offset++] ?? 0;
    const size = reader.u32();
    sections.push({ id, headerStart, start: reader.offset, end: reader.offset + size });
    reader.offset += size;
  }
  return sections;
}

function importsMemory(module: Uint8Array, imports: Section): boolean {
  const reader = new Reader(module, imports.start);
  const count = reader.u32();
  for (let i = 0; i < count; i++) {
    reader.skipName();
    reader.skipName();
    const kind = reader.byte();
    if (kind === EXTERN_MEMORY) return true;
    if (kind === 0) reader.u32();
    else if (kind === 1) {
      reader.byte();
      reader.limits();
    } else if (kind === 3) {
      reader.byte();
      reader.byte();
    } else if (kind === 4) {
      reader.byte();
      reader.u32();
    } else throw new Error(`unknown import kind ${String(kind)}`);
  }
  return false;
}

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}
  byte(): number {
    return this.bytes[this.offset++] ?? 0;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  s32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  skipName(): void {
    const length = this.u32();
    this.offset += length;
  }
  limits(): void {
    const flags = this.u32();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function u32(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function u32Length(module: Uint8Array, offset: number): number {
  let length = 1;
  while (((module[offset + length - 1] ?? 0) & 0x80) !== 0) length++;
  return length;
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...u32(bytes.length), ...bytes];
}

function framed(id: number, content: Uint8Array): Uint8Array {
  return concatBytes([[id, ...u32(content.length)], content]);
}

function concatBytes(parts: readonly (Uint8Array | number[])[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
