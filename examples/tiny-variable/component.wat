;; Answers every request with the value of its Spin variable "message", read through
;; fermyon:spin/variables@2.0.0; if reading it fails, 500 with the name the error carries.
(module
  (import "fermyon:spin/variables@2.0.0" "get" (func $get (param i32 i32 i32)))
  (import "wasi:http/types@0.2.3" "[constructor]fields" (func $fields_new (result i32)))
  (import "wasi:http/types@0.2.3" "[constructor]outgoing-response" (func $response_new (param i32) (result i32)))
  (import "wasi:http/types@0.2.3" "[method]outgoing-response.set-status-code" (func $set_status (param i32 i32) (result i32)))
  (import "wasi:http/types@0.2.3" "[method]outgoing-response.body" (func $response_body (param i32 i32)))
  (import "wasi:http/types@0.2.3" "[method]outgoing-body.write" (func $body_write (param i32 i32)))
  (import "wasi:http/types@0.2.3" "[static]outgoing-body.finish" (func $body_finish (param i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.3" "[static]response-outparam.set"
    (func $outparam_set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.3" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.3" "[resource-drop]output-stream" (func $drop_stream (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 1024) "message")

  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param $request i32) (param $outparam i32)
    (local $response i32) (local $body i32) (local $stream i32) (local $ptr i32) (local $len i32)
    ;; result<string, error> at 512: tag (u8) at +0. ok: string ptr at +4, length at +8.
    ;; err: the error variant's tag at +4 and its string payload at +8 (ptr) and +12 (length).
    (call $get (i32.const 1024) (i32.const 7) (i32.const 512))
    (local.set $response (call $response_new (call $fields_new)))
    (if (i32.load8_u (i32.const 512))
      (then
        (drop (call $set_status (local.get $response) (i32.const 500)))
        (local.set $ptr (i32.load (i32.const 520)))
        (local.set $len (i32.load (i32.const 524))))
      (else
        (local.set $ptr (i32.load (i32.const 516)))
        (local.set $len (i32.load (i32.const 520)))))
    (call $response_body (local.get $response) (i32.const 256))
    (local.set $body (i32.load (i32.const 260)))
    (call $body_write (local.get $body) (i32.const 256))
    (local.set $stream (i32.load (i32.const 260)))
    (call $outparam_set (local.get $outparam) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    ;; The body is the value, or on error the name the error case carries.
    (call $write (local.get $stream) (local.get $ptr) (local.get $len) (i32.const 256))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 256)))
)
