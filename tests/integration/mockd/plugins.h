// The table of sqlflow-mockd plug-ins by name (`sqlflow-mockd <name> ...`). A new API mock (sheets, shopify)
// adds one line to Plugins() in plugins.cc; it receives the scenario object stored under its name.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mockd.h"

namespace sqlflow::mockd {

using PluginFactory = std::function<std::shared_ptr<Plugin>(const Json& scenario)>;
const std::map<std::string, PluginFactory>& Plugins();

// Builds a server from a scenario file's JSON: the named plug-in with scenario[name], plus
// scenario["faults"].
void Configure(MockServer& server, const std::string& plugin, const Json& scenario);

}  // namespace sqlflow::mockd
