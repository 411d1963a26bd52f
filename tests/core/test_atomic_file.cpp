// The one writer every save goes through: atomic, durable, tidy after failures and crashes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "nplab/facade/session.h"
#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "temp_dir.h"

namespace nplab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The names of the files in `folder`.
std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

/// Clears the writer's test hook when a test ends, however it ends.
struct HookReset {
  ~HookReset() { util::set_before_rename_hook({}); }
};

TEST(AtomicFile, ReplacesTheFileAndLeavesNothingElse) {
  const testing::TempDir dir;
  const auto path = dir.write("data.json", "old");
  util::write_file_atomically(path, "new content");
  EXPECT_EQ(read_text(path), "new content");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"data.json"});
}

TEST(AtomicFile, FailureBeforeTheRenameKeepsTheOldFileAndRemovesTheTemporary) {
  const testing::TempDir dir;
  const auto path = dir.write("data.json", "old");
  const HookReset reset;
  bool temporary_was_written = false;
  util::set_before_rename_hook([&](const fs::path&) {
    // The new content is complete in a temporary file at this point: the failure comes after.
    temporary_was_written = listing(dir.path()).size() == 2;
    throw std::runtime_error("simulated failure");
  });
  EXPECT_THROW(util::write_file_atomically(path, "new"), std::runtime_error);
  EXPECT_TRUE(temporary_was_written);
  EXPECT_EQ(read_text(path), "old");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"data.json"});
}

TEST(AtomicFile, FailedRenameNamesTheFileAndLeavesNoTemporary) {
  const testing::TempDir dir;
  fs::create_directories(dir.path() / "taken" / "inside");  // a non-empty folder cannot be replaced
  try {
    util::write_file_atomically(dir.path() / "taken", "new");
    FAIL() << "expected InvalidArgument";
  } catch (const util::InvalidArgument& error) {
    EXPECT_THAT(error.what(), HasSubstr("taken: cannot replace the file"));
  }
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"taken"});
  EXPECT_TRUE(fs::is_directory(dir.path() / "taken" / "inside"));
}

TEST(AtomicFile, MissingFolderIsAClearError) {
  const testing::TempDir dir;
  EXPECT_THROW(
      {
        try {
          util::write_file_atomically(dir.path() / "no-such-folder" / "x.json", "new");
        } catch (const util::InvalidArgument& error) {
          EXPECT_THAT(error.what(), HasSubstr("no-such-folder"));
          throw;
        }
      },
      util::InvalidArgument);
}

TEST(AtomicFile, ProcessKilledMidSaveLeavesTheOldFileAndTheNextSaveTidiesUp) {
  const testing::TempDir dir;
  const auto path = dir.write("session.json", "old");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child dies by SIGKILL with the new content synced but not yet renamed: no cleanup can
    // run.
    util::set_before_rename_hook([](const fs::path&) { ::raise(SIGKILL); });
    util::write_file_atomically(path, "new");
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(read_text(path), "old");
  const auto stale = util::stale_temporary_files(path);
  ASSERT_EQ(stale.size(), 1u) << "the killed writer's temporary file is recognised as stale";
  EXPECT_EQ(read_text(stale.front()), "new");

  util::write_file_atomically(path, "newer");
  EXPECT_EQ(read_text(path), "newer");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"session.json"});
}

/// Runs `save` in a child process that is SIGKILLed at the moment its first file is written in
/// full but not yet renamed into place.
void kill_during(const std::function<void()>& save) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    util::set_before_rename_hook([](const fs::path&) { ::raise(SIGKILL); });
    save();
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the save was not killed";
}

TEST(KillSafety, ACheckpointSaveKilledMidWayLeavesThePreviousCheckpointLoadable) {
  const testing::TempDir dir;
  const auto path = dir.file("run.pt");
  auto model =
      models::make_model(models::default_config("lbanp", {{"layers", 1}, {"d_model", 16}}));
  train::save_checkpoint(*model, {{"steps", 1}}, path);
  const auto digest = train::weights_digest(*model);
  kill_during([&] {
    const torch::NoGradGuard no_grad;
    for (auto& parameter : model->parameters()) parameter.add_(1.0);
    train::save_checkpoint(*model, {{"steps", 2}}, path);
  });
  const auto loaded = train::load_checkpoint(path);
  EXPECT_EQ(loaded.card.value("steps", 0), 1);
  EXPECT_EQ(train::weights_digest(*loaded.model), digest);
  EXPECT_EQ(util::stale_temporary_files(path).size(), 1u);
  train::save_checkpoint(*model, {{"steps", 3}}, path);  // the next save tidies the leftover away
  EXPECT_TRUE(util::stale_temporary_files(path).empty());
  EXPECT_EQ(train::load_checkpoint(path).card.value("steps", 0), 3);
}

TEST(KillSafety, ASessionSaveKilledMidWayLeavesThePreviousSessionLoadable) {
  const testing::TempDir dir;
  const auto path = dir.path() / "lab.nplab.json";
  facade::Session session;
  session.points = {facade::point_1d(0.5, 1.0)};
  ASSERT_TRUE(facade::save_session(path, session).ok());
  kill_during([&] {
    facade::Session bigger = session;
    for (int i = 0; i < 10000; ++i) bigger.points.push_back(facade::point_1d(1e-4 * i, 0.0));
    (void)facade::save_session(path, bigger);
  });
  const auto loaded = facade::load_session(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value().points, session.points);
}

TEST(AtomicFile, ATemporaryFileOfALiveProcessIsNotStale) {
  const testing::TempDir dir;
  const auto path = dir.write("x.csv", "old");
  // Process 1 (init) is alive whoever runs the test; another name's temporary is not ours.
  dir.write(".x.csv.tmp-1", "someone else's save in progress");
  dir.write(".y.csv.tmp-999999999", "another file's");
  EXPECT_TRUE(util::stale_temporary_files(path).empty());
  util::write_file_atomically(path, "new");
  EXPECT_EQ(listing(dir.path()),
            (std::vector<std::string>{".x.csv.tmp-1", ".y.csv.tmp-999999999", "x.csv"}));
}

}  // namespace
}  // namespace nplab
