// nplab-cli: train, evaluate, predict and benchmark Neural Processes from the command line.

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/build_info.h"

int main(int argc, char** argv) {
  CLI::App app{"nplab-cli: Neural Process models on LibTorch (train, eval, predict, bench)"};
  app.set_version_flag("--version", std::string("nplab-cli ") + nplab::kVersion);
  app.require_subcommand(1);
  nplab::cli::add_info_command(app);
  nplab::cli::add_train_command(app);
  nplab::cli::add_eval_command(app);
  nplab::cli::add_predict_command(app);
  nplab::cli::add_bench_command(app);
  nplab::cli::add_bo_command(app);
  nplab::cli::add_help_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    std::cerr << "nplab-cli: error: " << error.what() << '\n';
    return 1;
  }
  // Output lost to a full disk or a closed file is an error, never a silent success: both
  // streams are flushed here and their error states checked (they are sticky).
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int flush_errno = errno;
  if (!flushed || !std::cout || std::ferror(stdout)) {
    std::cerr << "nplab-cli: error: writing the output failed"
              << (flush_errno != 0 ? std::string(": ") + std::strerror(flush_errno) : std::string())
              << '\n';
    return 1;
  }
  return 0;
}
