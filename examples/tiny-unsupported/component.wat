;; A component that imports an interface the runtime does not provide (wasi:sockets/instance-network),
;; so the runtime must refuse to start it and name that import.
(module
  (import "wasi:sockets/instance-network@0.2.3" "instance-network" (func $instance_network (result i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param i32 i32)
    (drop (call $instance_network)))
)
