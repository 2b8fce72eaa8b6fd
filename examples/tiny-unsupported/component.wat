;; A component that imports an interface the runtime does not provide yet (wasi:cli/environment), so the
;; runtime must refuse to start it and name that import.
(module
  (import "wasi:cli/environment@0.2.3" "get-environment" (func $get_environment (param i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param i32 i32)
    (call $get_environment (i32.const 256)))
)
