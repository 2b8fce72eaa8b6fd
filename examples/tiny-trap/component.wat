;; A component whose handler traps at once: the runtime must answer 500 and keep serving.
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param i32 i32)
    unreachable)
)
