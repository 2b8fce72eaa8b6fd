;; Serves the component's mounted files through wasi:filesystem@0.2.3, with no language runtime inside.
;; The request's path (without its leading `/` and any `?query`) is opened under the first preopened
;; directory:
;;   GET a file          200 with its first 64 KiB (one `read` of 65536 bytes at offset 0)
;;   GET `dir/` or `/`   200 with the directory's entry names, one a line (an empty path opens `.`)
;;   PUT a path          open-at with { create } and { write }: 201 `created\n`, or 403 `error: <code>\n`
;; open-at failing on a GET answers 404 `error: <code>\n` (e.g. `error: no-entry`); read, read-directory
;; or read-directory-entry failing answers 500 the same way; no preopened directory at all answers 500
;; `no preopens\n`. The component is assembled from this module and world.wit by scripts/build-tiny.ts.
(module
  ;; wasi:http@0.2.3. Results that flatten to more than one value come back through a pointer.
  ;; method(): the variant's tag (u8) at +0 (3 = put); path-with-query(): option tag at +0, string at +4/+8.
  (import "wasi:http/types@0.2.3" "[method]incoming-request.method" (func $request_method (param i32 i32)))
  (import "wasi:http/types@0.2.3" "[method]incoming-request.path-with-query" (func $request_path (param i32 i32)))
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

  ;; wasi:filesystem@0.2.3. get-directories(): list<tuple<descriptor, string>> as pointer at +0 and
  ;; count at +4; each element is 12 bytes: handle at +0, the guest path at +4/+8.
  (import "wasi:filesystem/preopens@0.2.3" "get-directories" (func $get_directories (param i32)))
  ;; open-at(self, path-flags, path (ptr, len), open-flags, descriptor-flags, ret): every flags type has
  ;; at most eight members, so each is one i32. Each result<_, error-code> below comes back at $ret with
  ;; its tag (u8) at +0 and, in the err case, the error-code (u8) at +4.
  ;; open-at: ok = descriptor handle at +4.
  (import "wasi:filesystem/types@0.2.3" "[method]descriptor.open-at"
    (func $open_at (param i32 i32 i32 i32 i32 i32 i32)))
  ;; read(self, length, offset, ret): ok = tuple<list<u8>, bool>: pointer at +4, length at +8, end at +12.
  (import "wasi:filesystem/types@0.2.3" "[method]descriptor.read" (func $read (param i32 i64 i64 i32)))
  ;; read-directory(self, ret): ok = directory-entry-stream handle at +4.
  (import "wasi:filesystem/types@0.2.3" "[method]descriptor.read-directory" (func $read_directory (param i32 i32)))
  ;; read-directory-entry(self, ret): ok = option<directory-entry>: option tag at +4; the entry at +8:
  ;; descriptor-type (u8) at +8, name at +12/+16.
  (import "wasi:filesystem/types@0.2.3" "[method]directory-entry-stream.read-directory-entry"
    (func $read_directory_entry (param i32 i32)))
  (import "wasi:filesystem/types@0.2.3" "[resource-drop]descriptor" (func $drop_descriptor (param i32)))
  (import "wasi:filesystem/types@0.2.3" "[resource-drop]directory-entry-stream" (func $drop_entries (param i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  ;; Where the HTTP response calls write their results (see $respond).
  (global $http_ret i32 (i32.const 256))
  ;; Where the request and filesystem calls write their results (24 bytes, aligned to 8).
  (global $ret i32 (i32.const 512))
  (data (i32.const 1024) "no preopens\n")
  (data (i32.const 1040) "created\n")
  (data (i32.const 1056) "error: ")
  (data (i32.const 1072) ".")
  ;; The cases of wasi:filesystem/types error-code in declaration order, each as its length (one byte)
  ;; followed by its name.
  (data (i32.const 1536)
    "\06access"                 ;; 0
    "\0bwould-block"            ;; 1
    "\07already"                ;; 2
    "\0ebad-descriptor"         ;; 3
    "\04busy"                   ;; 4
    "\08deadlock"               ;; 5
    "\05quota"                  ;; 6
    "\05exist"                  ;; 7
    "\0efile-too-large"         ;; 8
    "\15illegal-byte-sequence"  ;; 9
    "\0bin-progress"            ;; 10
    "\0binterrupted"            ;; 11
    "\07invalid"                ;; 12
    "\02io"                     ;; 13
    "\0cis-directory"           ;; 14
    "\04loop"                   ;; 15
    "\0etoo-many-links"         ;; 16
    "\0cmessage-size"           ;; 17
    "\0dname-too-long"          ;; 18
    "\09no-device"              ;; 19
    "\08no-entry"               ;; 20
    "\07no-lock"                ;; 21
    "\13insufficient-memory"    ;; 22
    "\12insufficient-space"     ;; 23
    "\0dnot-directory"          ;; 24
    "\09not-empty"              ;; 25
    "\0fnot-recoverable"        ;; 26
    "\0bunsupported"            ;; 27
    "\06no-tty"                 ;; 28
    "\0eno-such-device"         ;; 29
    "\08overflow"               ;; 30
    "\0dnot-permitted"          ;; 31
    "\04pipe"                   ;; 32
    "\09read-only"              ;; 33
    "\0cinvalid-seek"           ;; 34
    "\0etext-file-busy"         ;; 35
    "\0ccross-device")          ;; 36
  (global $error_count i32 (i32.const 37))
  ;; `error: <code>\n` is assembled here.
  (global $error_text i32 (i32.const 2048))

  ;; Grows the memory until it reaches `end`; traps if it cannot.
  (func $reserve (param $end i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then (unreachable))))))

  ;; A bump allocator: each instance serves one request, so nothing is ever freed. A file read asks for
  ;; up to 64 KiB, so the memory grows as needed.
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (call $reserve (global.get $heap))
    (local.get $ptr))

  ;; `error: <name of the error-code case>\n`, as (pointer, length).
  (func $error_text (param $code i32) (result i32 i32)
    (local $entry i32) (local $len i32)
    (local.set $entry (i32.const 1536))
    (if (i32.ge_u (local.get $code) (global.get $error_count)) (then (unreachable)))
    (block $found
      (loop $skip
        (br_if $found (i32.eqz (local.get $code)))
        (local.set $entry
          (i32.add (local.get $entry) (i32.add (i32.const 1) (i32.load8_u (local.get $entry)))))
        (local.set $code (i32.sub (local.get $code) (i32.const 1)))
        (br $skip)))
    (local.set $len (i32.load8_u (local.get $entry)))
    (memory.copy (global.get $error_text) (i32.const 1056) (i32.const 7))
    (memory.copy (i32.add (global.get $error_text) (i32.const 7))
      (i32.add (local.get $entry) (i32.const 1)) (local.get $len))
    (i32.store8 (i32.add (global.get $error_text) (i32.add (local.get $len) (i32.const 7))) (i32.const 10))
    (global.get $error_text)
    (i32.add (local.get $len) (i32.const 8)))

  ;; The error-code of a failed call, as `error: <code>\n` with `status`.
  (func $failed (param $status i32) (result i32 i32 i32)
    (local.get $status)
    (call $error_text (i32.load8_u offset=4 (global.get $ret))))

  ;; GET of a file: its first 64 KiB. Answers (status, body pointer, body length).
  (func $serve_file (param $dir i32) (param $path i32) (param $path_len i32) (result i32 i32 i32)
    (local $file i32)
    ;; path-flags {}, open-flags {}, descriptor-flags { read }
    (call $open_at (local.get $dir) (i32.const 0) (local.get $path) (local.get $path_len)
      (i32.const 0) (i32.const 1) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (return (call $failed (i32.const 404)))))
    (local.set $file (i32.load offset=4 (global.get $ret)))
    (call $read (local.get $file) (i64.const 65536) (i64.const 0) (global.get $ret))
    (call $drop_descriptor (local.get $file))
    (if (i32.load8_u (global.get $ret)) (then (return (call $failed (i32.const 500)))))
    (i32.const 200)
    (i32.load offset=4 (global.get $ret))
    (i32.load offset=8 (global.get $ret)))

  ;; GET of a directory: its entry names, one a line. The body is built at the top of the heap: each name
  ;; the host allocates lands right after the text so far and is moved down over any padding.
  (func $serve_listing (param $dir i32) (param $path i32) (param $path_len i32) (result i32 i32 i32)
    (local $listed i32) (local $entries i32) (local $start i32) (local $len i32)
    (local $name i32) (local $name_len i32) (local $error i32)
    ;; path-flags {}, open-flags { directory }, descriptor-flags { read }
    (call $open_at (local.get $dir) (i32.const 0) (local.get $path) (local.get $path_len)
      (i32.const 2) (i32.const 1) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (return (call $failed (i32.const 404)))))
    (local.set $listed (i32.load offset=4 (global.get $ret)))
    (call $read_directory (local.get $listed) (global.get $ret))
    (if (i32.load8_u (global.get $ret))
      (then
        (call $drop_descriptor (local.get $listed))
        (return (call $failed (i32.const 500)))))
    (local.set $entries (i32.load offset=4 (global.get $ret)))
    (local.set $start (global.get $heap))
    (local.set $error (i32.const -1))
    (block $done
      (loop $next
        (call $read_directory_entry (local.get $entries) (global.get $ret))
        (if (i32.load8_u (global.get $ret))
          (then (local.set $error (i32.load8_u offset=4 (global.get $ret))) (br $done)))
        (br_if $done (i32.eqz (i32.load8_u offset=4 (global.get $ret))))
        (local.set $name (i32.load offset=12 (global.get $ret)))
        (local.set $name_len (i32.load offset=16 (global.get $ret)))
        (memory.copy (i32.add (local.get $start) (local.get $len)) (local.get $name) (local.get $name_len))
        (local.set $len (i32.add (local.get $len) (local.get $name_len)))
        (call $reserve (i32.add (i32.add (local.get $start) (local.get $len)) (i32.const 1)))
        (i32.store8 (i32.add (local.get $start) (local.get $len)) (i32.const 10))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (global.set $heap (i32.add (local.get $start) (local.get $len)))
        (br $next)))
    ;; The stream belongs to the descriptor, so it goes first.
    (call $drop_entries (local.get $entries))
    (call $drop_descriptor (local.get $listed))
    (if (i32.ne (local.get $error) (i32.const -1))
      (then (return (i32.const 500) (call $error_text (local.get $error)))))
    (i32.const 200)
    (local.get $start)
    (local.get $len))

  ;; PUT: only tries to create the file; nothing is written to it.
  (func $create_file (param $dir i32) (param $path i32) (param $path_len i32) (result i32 i32 i32)
    ;; path-flags {}, open-flags { create }, descriptor-flags { write }
    (call $open_at (local.get $dir) (i32.const 0) (local.get $path) (local.get $path_len)
      (i32.const 1) (i32.const 2) (global.get $ret))
    (if (i32.load8_u (global.get $ret)) (then (return (call $failed (i32.const 403)))))
    (call $drop_descriptor (i32.load offset=4 (global.get $ret)))
    (i32.const 201)
    (i32.const 1040)
    (i32.const 8))

  ;; Sets the response (status, and a body written in blocking writes of at most 4096 bytes, the most
  ;; one blocking-write-and-flush takes) on the outparam.
  (func $respond (param $outparam i32) (param $status i32) (param $ptr i32) (param $len i32)
    (local $response i32) (local $body i32) (local $stream i32) (local $chunk i32)
    (local.set $response (call $response_new (call $fields_new)))
    (drop (call $set_status (local.get $response) (local.get $status)))
    (call $response_body (local.get $response) (global.get $http_ret))
    (local.set $body (i32.load offset=4 (global.get $http_ret)))
    (call $body_write (local.get $body) (global.get $http_ret))
    (local.set $stream (i32.load offset=4 (global.get $http_ret)))
    (call $outparam_set (local.get $outparam) (i32.const 0) (local.get $response)
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (block $written
      (loop $next
        (br_if $written (i32.eqz (local.get $len)))
        (local.set $chunk
          (select (i32.const 4096) (local.get $len) (i32.gt_u (local.get $len) (i32.const 4096))))
        (call $write (local.get $stream) (local.get $ptr) (local.get $chunk) (global.get $http_ret))
        ;; A stream error ends the body early; the instance ends with the request anyway.
        (br_if $written (i32.load8_u (global.get $http_ret)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $chunk)))
        (local.set $len (i32.sub (local.get $len) (local.get $chunk)))
        (br $next)))
    (call $drop_stream (local.get $stream))
    (call $body_finish (local.get $body) (i32.const 0) (i32.const 0) (global.get $http_ret)))

  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param $request i32) (param $outparam i32)
    (local $is_put i32) (local $path i32) (local $len i32) (local $at i32)
    (local $preopens i32) (local $count i32) (local $i i32)
    (local $status i32) (local $body i32) (local $body_len i32)
    (call $request_method (local.get $request) (global.get $ret))
    (local.set $is_put (i32.eq (i32.load8_u (global.get $ret)) (i32.const 3)))

    ;; The path: without its leading `/`, cut at the first `?`.
    (call $request_path (local.get $request) (global.get $ret))
    (if (i32.load8_u (global.get $ret))
      (then
        (local.set $path (i32.load offset=4 (global.get $ret)))
        (local.set $len (i32.load offset=8 (global.get $ret)))))
    (if (i32.and (i32.ne (local.get $len) (i32.const 0))
                 (i32.eq (i32.load8_u (local.get $path)) (i32.const 47)))
      (then
        (local.set $path (i32.add (local.get $path) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))))
    (block $cut
      (loop $scan
        (br_if $cut (i32.ge_u (local.get $at) (local.get $len)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $path) (local.get $at))) (i32.const 63))
          (then (local.set $len (local.get $at)) (br $cut)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $scan)))

    (call $get_directories (global.get $ret))
    (local.set $preopens (i32.load (global.get $ret)))
    (local.set $count (i32.load offset=4 (global.get $ret)))
    (if (i32.eqz (local.get $count))
      (then
        (call $respond (local.get $outparam) (i32.const 500) (i32.const 1024) (i32.const 12))
        (return)))

    (if (result i32 i32 i32) (local.get $is_put)
      (then
        (call $create_file (i32.load (local.get $preopens)) (local.get $path) (local.get $len)))
      (else
        (if (result i32 i32 i32) (i32.eqz (local.get $len))
          (then
            (call $serve_listing (i32.load (local.get $preopens)) (i32.const 1072) (i32.const 1)))
          (else
            (if (result i32 i32 i32)
              (i32.eq (i32.load8_u (i32.add (local.get $path) (i32.sub (local.get $len) (i32.const 1))))
                        (i32.const 47))
              (then
                (call $serve_listing (i32.load (local.get $preopens)) (local.get $path) (local.get $len)))
              (else
                (call $serve_file (i32.load (local.get $preopens)) (local.get $path) (local.get $len))))))))
    (local.set $body_len)
    (local.set $body)
    (local.set $status)

    (loop $drop_next
      (call $drop_descriptor (i32.load (i32.add (local.get $preopens) (i32.mul (local.get $i) (i32.const 12)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $drop_next (i32.lt_u (local.get $i) (local.get $count))))

    (call $respond (local.get $outparam) (local.get $status) (local.get $body) (local.get $body_len)))
)
