#pragma once
// The error the data layer throws for a file it cannot use: missing, unreadable, truncated or
// malformed. The message names the file (and the line, for text files) and the reason.

#include <string>

#include "nplab/util/checks.h"

namespace nplab::data {

/// A bad data file. It derives from InvalidArgument because the file is the caller's argument:
/// front ends that report bad arguments report bad files the same way.
class DataError : public util::InvalidArgument {
 public:
  using util::InvalidArgument::InvalidArgument;
};

}  // namespace nplab::data
