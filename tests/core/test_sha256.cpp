// SHA-256 against the FIPS 180-4 / NIST example vectors, whole and fed in pieces.

#include <string>

#include "nplab/util/sha256.h"
#include "test_support.h"

namespace nplab::util {
namespace {

std::string digest_of(const std::string& text, std::size_t piece = std::string::npos) {
  Sha256 sha;
  for (std::size_t at = 0; at < text.size(); at += piece) sha.update(text.substr(at, piece));
  return sha.hex_digest();
}

TEST(Sha256, GivesTheStandardsExampleDigests) {
  EXPECT_EQ(digest_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(digest_of(two_blocks),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1'000'000, 'a');
  EXPECT_EQ(digest_of(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Pieces that straddle the 64-byte blocks give the same digest.
  EXPECT_EQ(digest_of(million, 997), digest_of(million));
  EXPECT_EQ(digest_of(two_blocks, 1), digest_of(two_blocks));
}

}  // namespace
}  // namespace nplab::util
