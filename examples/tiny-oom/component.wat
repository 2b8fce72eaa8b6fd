;; A handler that asks for memory until it is refused: it grows its linear memory 16 pages (1 MiB) at a
;; time until memory.grow returns -1, then traps. The memory declares no maximum, so the limit is the
;; runtime's. With no limit V8 stops it at 4 GiB, which takes about 20 s on a 2-core machine.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param i32 i32)
    (block $refused
      (loop $grow
        (br_if $refused (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))
        (br $grow)))
    unreachable)
)
