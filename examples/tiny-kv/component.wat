;; A counter in Spin's key-value store: opens the store labelled "default", reads key "count" (decimal
;; ASCII; a missing key counts as 0), adds 1, writes it back and answers 200 `count=<n>\n`. If open, get
;; or set fails, it answers 500 `kv error: <case of the error variant>\n`, e.g. `kv error: access-denied`.
;; Unlike a guest global, the count survives from one request (and instance) to the next.
(module
  ;; fermyon:spin/key-value@2.0.0. Each result<_, error> comes back through a pointer (see $ret).
  (import "fermyon:spin/key-value@2.0.0" "[static]store.open" (func $store_open (param i32 i32 i32)))
  (import "fermyon:spin/key-value@2.0.0" "[method]store.get" (func $store_get (param i32 i32 i32 i32)))
  (import "fermyon:spin/key-value@2.0.0" "[method]store.set" (func $store_set (param i32 i32 i32 i32 i32 i32)))
  (import "fermyon:spin/key-value@2.0.0" "[resource-drop]store" (func $store_drop (param i32)))
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
  ;; Where the key-value calls write their result (16 bytes, aligned to 4): the result's tag (u8) at +0,
  ;; its payload at +4. open: ok = store handle at +4. get: ok = option tag (u8) at +4, list pointer at
  ;; +8 and length at +12. In every err case the error variant's tag (u8) is at +4 (and `other`'s string
  ;; at +8/+12).
  (global $ret i32 (i32.const 512))
  (data (i32.const 1024) "default")
  (data (i32.const 1032) "count")
  (data (i32.const 1040) "kv error: ")
  ;; The error variant's cases, in declaration order.
  (data (i32.const 1056) "store-table-full")
  (data (i32.const 1072) "no-such-store")
  (data (i32.const 1088) "access-denied")
  (data (i32.const 1104) "other")
  ;; The body is assembled here.
  (data (i32.const 2048) "count=")

  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  ;; The name of a key-value error case, as (pointer, length).
  (func $error_name (param $case i32) (result i32 i32)
    (if (i32.eq (local.get $case) (i32.const 0)) (then (return (i32.const 1056) (i32.const 16))))
    (if (i32.eq (local.get $case) (i32.const 1)) (then (return (i32.const 1072) (i32.const 13))))
    (if (i32.eq (local.get $case) (i32.const 2)) (then (return (i32.const 1088) (i32.const 13))))
    (return (i32.const 1104) (i32.const 5)))

  ;; Reads leading ASCII digits as an unsigned number; no digits read as 0.
  (func $parse_decimal (param $ptr i32) (param $len i32) (result i32)
    (local $n i32) (local $end i32) (local $digit i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $digit (i32.sub (i32.load8_u (local.get $ptr)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $digit) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $digit)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; Writes `n` in decimal at `dst` and returns the number of digits.
  (func $format_decimal (param $n i32) (param $dst i32) (result i32)
    (local $digits i32) (local $rest i32) (local $at i32)
    (local.set $digits (i32.const 1))
    (local.set $rest (local.get $n))
    (block $counted
      (loop $count_digits
        (br_if $counted (i32.lt_u (local.get $rest) (i32.const 10)))
        (local.set $rest (i32.div_u (local.get $rest) (i32.const 10)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $count_digits)))
    (local.set $at (i32.add (local.get $dst) (local.get $digits)))
    (loop $emit
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $emit (local.get $n)))
    (local.get $digits))

  ;; Sets the response (status, and a body written in one blocking write) on the outparam.
  (func $respond (param $outparam i32) (param $status i32) (param $ptr i32) (param $len i32)
    (local $response i32) (local $body i32) (local $stream i32)
    (local.set $response (call $response_new (call $fields_new)))
    (drop (call $set_status (local.get $response) (local.get $status)))
    (call $response_body (local.get $response) (i32.const 256))
    (local.set $body (i32.load (i32.const 260)))
    (call $body_write (local.get $body) (i32.const 256))
    (local.set $stream (i32.load (i32.const 260)))
    (call $outparam_set (local.get $outparam) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $write (local.get $stream) (local.get $ptr) (local.get $len) (i32.const 256))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (i32.const 256)))

  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param $request i32) (param $outparam i32)
    (local $store i32) (local $count i32) (local $digits i32) (local $len i32)
    (local $error i32) (local $name_ptr i32) (local $name_len i32)
    (local.set $store (i32.const -1))
    (local.set $error (i32.const -1))
    (block $failed
      (call $store_open (i32.const 1024) (i32.const 7) (global.get $ret))
      (if (i32.load8_u (global.get $ret))
        (then (local.set $error (i32.load8_u offset=4 (global.get $ret))) (br $failed)))
      (local.set $store (i32.load offset=4 (global.get $ret)))

      (call $store_get (local.get $store) (i32.const 1032) (i32.const 5) (global.get $ret))
      (if (i32.load8_u (global.get $ret))
        (then (local.set $error (i32.load8_u offset=4 (global.get $ret))) (br $failed)))
      (if (i32.load8_u offset=4 (global.get $ret))
        (then
          (local.set $count
            (call $parse_decimal
              (i32.load offset=8 (global.get $ret))
              (i32.load offset=12 (global.get $ret))))))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))

      ;; The digits go straight after "count=" and are also the stored value.
      (local.set $digits (call $format_decimal (local.get $count) (i32.const 2054)))
      (call $store_set (local.get $store) (i32.const 1032) (i32.const 5)
        (i32.const 2054) (local.get $digits) (global.get $ret))
      (if (i32.load8_u (global.get $ret))
        (then (local.set $error (i32.load8_u offset=4 (global.get $ret))) (br $failed))))

    (if (i32.ne (local.get $store) (i32.const -1))
      (then (call $store_drop (local.get $store))))

    (if (i32.eq (local.get $error) (i32.const -1))
      (then
        ;; "count=" + digits + "\n"
        (local.set $len (i32.add (i32.const 6) (local.get $digits)))
        (i32.store8 (i32.add (i32.const 2048) (local.get $len)) (i32.const 10))
        (call $respond (local.get $outparam) (i32.const 200) (i32.const 2048)
          (i32.add (local.get $len) (i32.const 1))))
      (else
        ;; "kv error: " + case name + "\n", assembled at 3072.
        (call $error_name (local.get $error))
        (local.set $name_len)
        (local.set $name_ptr)
        (memory.copy (i32.const 3072) (i32.const 1040) (i32.const 10))
        (memory.copy (i32.const 3082) (local.get $name_ptr) (local.get $name_len))
        (i32.store8 (i32.add (i32.const 3082) (local.get $name_len)) (i32.const 10))
        (call $respond (local.get $outparam) (i32.const 500) (i32.const 3072)
          (i32.add (local.get $name_len) (i32.const 11))))))
)
