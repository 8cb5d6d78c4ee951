#include "plugins.h"

#include <stdexcept>

#include "rest_api.h"
#include "sheets_api.h"
#include "shopify_api.h"

namespace sqlflow::mockd {

const std::map<std::string, PluginFactory>& Plugins() {
  static const std::map<std::string, PluginFactory> plugins = {
      {"rest", [](const Json& s) { return std::make_shared<RestApi>(s); }},
      {"sheets", [](const Json& s) { return std::make_shared<SheetsApi>(s); }},
      {"shopify", [](const Json& s) { return std::make_shared<ShopifyApi>(s); }},
  };
  return plugins;
}

void Configure(MockServer& server, const std::string& plugin, const Json& scenario) {
  auto it = Plugins().find(plugin);
  if (it == Plugins().end()) throw std::runtime_error("unknown mock '" + plugin + "'");
  server.Add(it->second(scenario.value(plugin, Json::object())));
  if (scenario.contains("faults"))
    for (const auto& fault : scenario["faults"]) server.AddFault(Fault::FromJson(fault));
}

}  // namespace sqlflow::mockd
