;; A Spin HTTP component with no language runtime inside, written as a core module against the
;; canonical ABI of wasi:http@0.2.3. It answers every request with a fixed body, written in one
;; blocking write. The component is assembled from this module and world.wit by
;; scripts/build-tiny.ts.
(module
  (import "wasi:http/types@0.2.3" "[constructor]fields" (func $fields_new (result i32)))
  (import "wasi:http/types@0.2.3" "[constructor]outgoing-response" (func $response_new (param i32) (result i32)))
  ;; result<own<outgoing-body>> is returned through a pointer: tag at +0, handle at +4.
  (import "wasi:http/types@0.2.3" "[method]outgoing-response.body" (func $response_body (param i32 i32)))
  (import "wasi:http/types@0.2.3" "[method]outgoing-body.write" (func $body_write (param i32 i32)))
  ;; finish(this, option<trailers>) -> result<_, error-code>, returned through a pointer.
  (import "wasi:http/types@0.2.3" "[static]outgoing-body.finish" (func $body_finish (param i32 i32 i32 i32)))
  ;; set(outparam, result<outgoing-response, error-code>): the result flattens to eight values.
  (import "wasi:http/types@0.2.3" "[static]response-outparam.set"
    (func $outparam_set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.3" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.3" "[resource-drop]output-stream" (func $drop_stream (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 1024) "Hello from a tiny component\n")

  ;; A bump allocator: each instance serves one request, so nothing is ever freed.
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param $request i32) (param $outparam i32)
    (local $response i32) (local $body i32) (local $stream i32)
    (local.set $response (call $response_new (call $fields_new)))
    (call $response_body (local.get $response) (i32.const 256))
    (local.set $body (i32.load (i32.const 260)))
    (call $body_write (local.get $body) (i32.const 256))
    (local.set $stream (i32.load (i32.const 260)))
    ;; ok(response): tag 0 and the handle; the remaining slots belong to the error case.
    (call $outparam_set (local.get $outparam) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $write (local.get $stream) (i32.const 1024) (i32.const 28) (i32.const 256))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 256)))
)
