// `nplab-cli help COMMAND`: the full help of one command (`--help` lists the commands, a line
// each). A name that is not a command is an error listing the ones there are.

#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.h"

namespace nplab::cli {
namespace {

std::vector<CLI::App*> commands_of(CLI::App& parent) {
  return parent.get_subcommands(
      [](const CLI::App* command) { return command->get_name() != "help"; });
}

std::string command_names(CLI::App& parent) {
  std::string names;
  for (const CLI::App* command : commands_of(parent)) {
    names += (names.empty() ? "" : ", ") + command->get_name();
  }
  return names;
}

}  // namespace

void add_help_command(CLI::App& app) {
  auto* help = app.add_subcommand(
      "help", "The full text of a command: every option with its default (help bench sweep)");
  auto topic = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *topic, "A command, and a subcommand of it (bench sweep)");
  help->callback([&app, topic] {
    CLI::App* target = &app;
    std::string path = "nplab-cli";
    for (const auto& name : *topic) {
      CLI::App* found = nullptr;
      for (CLI::App* command : commands_of(*target)) {
        if (command->get_name() == name) found = command;
      }
      if (found == nullptr) {
        throw std::runtime_error("help: '" + name + "' is not a command of " + path +
                                 "; its commands are: " + command_names(*target));
      }
      target = found;
      path += " " + name;
    }
    // Through the formatter: App::help() of the top level would describe `help` itself, the
    // command being run.
    std::cout << target->get_formatter()->make_help(target, path, CLI::AppFormatMode::Normal);
  });
}

}  // namespace nplab::cli
