;; A handler that never returns: it spins in a loop without calling the host, so only the runtime's
;; per-request deadline can end it.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param i32 i32)
    (loop $forever
      (br $forever)))
)
