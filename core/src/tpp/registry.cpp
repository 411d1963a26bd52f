#include "nplab/tpp/registry.h"

#include "nplab/tpp/cmhp.h"
#include "nplab/tpp/thp.h"
#include "nplab/util/checks.h"

namespace nplab::tpp {

std::vector<std::string> point_process_names() {
  return {"cmhp", "thp"};
}

bool is_point_process_name(const std::string& name) {
  return name == "cmhp" || name == "thp";
}

std::shared_ptr<PointProcessModel> make_point_process(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("model") || !config["model"].is_string()) {
    throw util::InvalidArgument("point-process config: needs a \"model\" string (cmhp or thp)");
  }
  const auto name = config["model"].get<std::string>();
  if (name == "cmhp") return std::make_shared<CMHP>(config);
  if (name == "thp") return std::make_shared<THP>(config);
  throw util::InvalidArgument("point-process model \"" + name + "\": unknown (known: cmhp, thp)");
}

nlohmann::json default_point_process_config(const std::string& name) {
  if (name == "cmhp") return CMHPConfig{}.to_json();
  if (name == "thp") return THPConfig{}.to_json();
  throw util::InvalidArgument("point-process model \"" + name + "\": unknown (known: cmhp, thp)");
}

}  // namespace nplab::tpp
