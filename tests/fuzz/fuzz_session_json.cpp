// Fuzz target: sessions, from text (session_from_json) and from a file (load_session).
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.h"
#include "nplab/facade/session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path = nplab::fuzz::scratch_path("session.json");
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto parsed = nplab::facade::session_from_json(text, "fuzz");
    if (parsed.ok()) {
      // What was accepted writes back and reads back.
      const auto again =
          nplab::facade::session_from_json(nplab::facade::session_to_json(parsed.value()), "again");
      if (!again.ok()) {
        std::fprintf(stderr, "fuzz session_json: an accepted session does not read back: %s\n",
                     again.error().c_str());
        std::abort();
      }
    }
    nplab::fuzz::write_bytes(path, data, size);
    (void)nplab::facade::load_session(path);
  } catch (...) {
    nplab::fuzz::escaped("session_json");
  }
  return 0;
}
