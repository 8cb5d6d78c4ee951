#include "sqlflow/cli/app.h"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "sqlflow/cli/commands.h"
#include "sqlflow/common/console.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::cli {

namespace {

int UsageError(const std::string& message, const std::vector<std::string>& hints = {}) {
  Diagnostics diagnostics;
  auto& d = diagnostics.Error("SF511", message);
  d.hints = hints;
  SourceCache sources;
  return ReportDiagnostics(diagnostics, sources);
}

// "--name" / "-n" spellings of every option of `command`.
std::vector<std::string> OptionSpellings(const CLI::App* command) {
  std::vector<std::string> out;
  for (const CLI::Option* option : command->get_options()) {
    for (const auto& name : option->get_lnames()) out.push_back("--" + name);
    for (const auto& name : option->get_snames()) out.push_back("-" + name);
  }
  return out;
}

// The deepest parsed command and the chain of commands down to it ("sqlflow pipeline list").
std::vector<const CLI::App*> ParsedPath(const CLI::App& app) {
  std::vector<const CLI::App*> path = {&app};
  for (bool descended = true; descended;) {
    descended = false;
    for (const CLI::App* sub : path.back()->get_subcommands()) {
      if (sub->parsed()) {
        path.push_back(sub);
        descended = true;
        break;
      }
    }
  }
  return path;
}

std::string CommandName(const std::vector<const CLI::App*>& path) {
  std::string name = "sqlflow";
  for (size_t i = 1; i < path.size(); ++i) name += " " + path[i]->get_name();
  return name;
}

void CollectAllOptions(const CLI::App* command, std::vector<std::string>& out) {
  for (const auto& spelling : OptionSpellings(command)) out.push_back(spelling);
  for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; }))
    CollectAllOptions(sub, out);
}

// The first option on the command line that the parsed command does not accept: unknown anywhere (with a
// did-you-mean over the options it does accept) or valid only for another command. nullopt when every
// option is fine (the extra argument is then a stray word).
std::optional<int> ReportMisplacedOption(const CLI::App& app, int argc, char** argv) {
  auto path = ParsedPath(app);
  std::vector<std::string> valid;
  for (const CLI::App* command : path)
    for (const auto& spelling : OptionSpellings(command)) valid.push_back(spelling);
  std::vector<std::string> everywhere;
  CollectAllOptions(&app, everywhere);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9')) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (std::find(valid.begin(), valid.end(), name) != valid.end()) continue;
    std::vector<std::string> hints;
    if (std::find(everywhere.begin(), everywhere.end(), name) != everywhere.end()) {
      hints.push_back("run '" + CommandName(path) + " --help' for its options");
      return UsageError("option '" + name + "' does not apply to '" + CommandName(path) + "'", hints);
    }
    if (auto close = DidYouMean(name, valid))
      hints.push_back("did you mean '" + *close + "'?");
    else if (auto elsewhere = DidYouMean(name, everywhere))
      hints.push_back("did you mean '" + *elsewhere + "'?");
    hints.push_back("run '" + CommandName(path) + " --help' for usage");
    return UsageError("unknown option '" + name + "'", hints);
  }
  return std::nullopt;
}

// CLI11 prints "Usage: list [OPTIONS]" for a subcommand: name the whole command and list the global options.
std::string HelpText(const CLI::App& app, const std::vector<const CLI::App*>& path) {
  std::string help = path.back()->help();
  if (path.size() < 2) return help;
  std::string usage = "Usage: " + path.back()->get_name();
  if (auto at = help.find(usage); at != std::string::npos)
    help.replace(at, usage.size(), "Usage: " + CommandName(path));
  help += "\nGlobal options (before or after the command):\n";
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr()) continue;
    std::string names = option->get_name(false, true);
    help += "  " + names + std::string(names.size() < 24 ? 24 - names.size() : 1, ' ') +
            option->get_description() + "\n";
  }
  return help;
}

}  // namespace

int RunApp(int argc, char** argv) {
  CLI::App app{"SQLFlow: SQL-first data pipelines on an embedded DuckDB", "sqlflow"};
  app.fallthrough();
  app.set_help_flag("-h,--help", "Print usage for the command");
  GlobalOptions global;
  bool version = false;
  app.add_flag("--version", version, "Print the version");
  app.add_flag("-v,--verbose", global.verbose, "More output");
  app.add_flag("-q,--quiet", global.quiet, "Errors only");
  app.add_flag("--no-color", global.no_color, "Disable colour");
  app.add_option("--project-dir", global.project_dir, "Project root (default: the current directory)");

  PipelineOptions pipeline_options;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("-p,--profile", pipeline_options.profile, "Profile name (default dev)");
    cmd->add_option("--vars,--variables", pipeline_options.vars,
                    "Variables as JSON or k=v,k2=v2 (repeatable)")
        ->take_all();
  };

  auto* pipeline = app.add_subcommand("pipeline", "List, validate, compile and run pipelines");
  auto* p_list = pipeline->add_subcommand("list", "List the pipelines");
  p_list->add_flag("--json", pipeline_options.json, "JSON output");
  auto* p_validate = pipeline->add_subcommand("validate", "Validate one pipeline or all of them");
  p_validate->add_option("NAME", pipeline_options.name, "Pipeline name");
  add_common(p_validate);
  auto* p_compile = pipeline->add_subcommand("compile", "Compile a pipeline to target/compiled/NAME.json");
  p_compile->add_option("NAME", pipeline_options.name, "Pipeline name")->required();
  p_compile->add_option("-o,--output", pipeline_options.output, "Output file, or - for stdout");
  add_common(p_compile);
  auto* p_run = pipeline->add_subcommand("run", "Compile and run a pipeline");
  p_run->add_option("NAME", pipeline_options.name, "Pipeline name")->required();
  add_common(p_run);

  auto* profiles = app.add_subcommand("profiles", "Inspect profiles");
  bool profiles_json = false;
  std::string profile_name;
  auto* pr_list = profiles->add_subcommand("list", "List profiles");
  pr_list->add_flag("--json", profiles_json, "JSON output");
  auto* pr_show = profiles->add_subcommand("show", "Show a profile with secrets masked");
  pr_show->add_option("NAME", profile_name, "Profile name")->required();
  auto* pr_validate = profiles->add_subcommand("validate", "Validate one profile or all of them");
  pr_validate->add_option("NAME", profile_name, "Profile name");

  auto* connect = app.add_subcommand("connect", "Connectors: list, describe, test");
  std::string connect_profile = "dev", connect_name, describe_format = "text";
  bool connect_types = false, connect_json = false;
  auto* c_list = connect->add_subcommand("list", "List the profile's connectors (or --types)");
  c_list->add_option("-p,--profile", connect_profile, "Profile name (default dev)");
  c_list->add_flag("--types", connect_types, "List registered connector types");
  c_list->add_flag("--json", connect_json, "JSON output");
  auto* c_describe = connect->add_subcommand("describe", "Describe a connector type");
  c_describe->add_option("TYPE", connect_name, "Connector type")->required();
  c_describe->add_option("--format", describe_format, "text, markdown or json");
  auto* c_test = connect->add_subcommand("test", "Test a profile connector");
  c_test->add_option("NAME", connect_name, "Connector name")->required();
  c_test->add_option("-p,--profile", connect_profile, "Profile name (default dev)");

  auto* init = app.add_subcommand("init", "Create a new project");
  std::string init_dir;
  bool init_minimal = false, init_force = false;
  init->add_option("DIR", init_dir, "Project directory")->required();
  init->add_flag("--minimal", init_minimal, "Only profiles and an example pipeline");
  init->add_flag("--force", init_force, "Overwrite existing files");

  auto* udf = app.add_subcommand("udf", "Python UDFs");
  auto* u_list = udf->add_subcommand("list", "List discovered UDFs");
  u_list->add_flag("--json", connect_json, "JSON output");
  auto* u_info = udf->add_subcommand("info", "Describe a UDF");
  u_info->add_option("NAME", connect_name, "UDF name")->required();

  for (auto* group : {pipeline, profiles, connect, udf}) group->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    Console::Get().Out(HelpText(app, ParsedPath(app)));
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
      if (auto code = ReportMisplacedOption(app, argc, argv)) return *code;
      std::vector<std::string> hints;
      std::vector<std::string> names = {"pipeline", "profiles", "connect", "init", "udf"};
      // Name the first offending word as the user typed it: an unknown top-level command, or else the
      // first argument CLI11 did not expect.
      std::string extra;
      std::string group;  // the command group typed before the offending word (pipeline, udf, ...)
      for (int i = 1; i < argc && extra.empty(); ++i) {
        std::string arg = argv[i];
        if (arg == "--project-dir") {
          ++i;
          continue;
        }
        if (StartsWith(arg, "-")) continue;
        if (std::find(names.begin(), names.end(), arg) == names.end()) {
          extra = arg;
        } else if (group.empty() && arg != "init") {
          group = arg;
          continue;
        }
        break;
      }
      if (extra.empty()) {
        std::string rest;
        if (auto pos = message.find(':'); pos != std::string::npos) rest = Trim(message.substr(pos + 1));
        extra = Split(rest, ' ').front();
      }
      bool is_option = StartsWith(extra, "-");
      // Suggest among the commands of the group typed (`udf validate` -> list, info), else the top level.
      std::vector<std::string> candidates;
      if (!group.empty())
        for (const CLI::App* sub : app.get_subcommand(group)->get_subcommands({}))
          candidates.push_back(sub->get_name());
      else
        candidates = names;
      candidates.erase(std::remove(candidates.begin(), candidates.end(), extra), candidates.end());
      if (!is_option)
        if (auto s = DidYouMean(extra, candidates)) hints.push_back("did you mean '" + *s + "'?");
      if (!group.empty() && !is_option)
        hints.push_back("'sqlflow " + group + "' commands: " + Join(candidates, ", "));
      hints.push_back("run 'sqlflow " + (group.empty() ? "" : group + " ") + "--help' for usage");
      return UsageError(std::string(is_option ? "unknown option '" : "unknown command '") + extra + "'",
                        hints);
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e)) {
      return UsageError("missing argument: " + message, {"run 'sqlflow --help' for usage"});
    }
    return UsageError(message, {"run 'sqlflow --help' for usage"});
  }

  if (version) {
    Console::Get().Out(std::string("sqlflow ") + SQLFLOW_VERSION + " (duckdb " + engine::DuckDBVersion() +
                       ")\n");
    return 0;
  }
  if (global.verbose && global.quiet) return UsageError("--verbose and --quiet cannot be combined");
  Console::Get().Configure(global.quiet     ? Verbosity::kQuiet
                           : global.verbose ? Verbosity::kVerbose
                                            : Verbosity::kInfo,
                           global.no_color);

  if (p_list->parsed()) return PipelineList(global, pipeline_options);
  if (p_validate->parsed()) return PipelineValidate(global, pipeline_options);
  if (p_compile->parsed()) return PipelineCompile(global, pipeline_options);
  if (p_run->parsed()) return PipelineRun(global, pipeline_options);
  if (pr_list->parsed()) return ProfilesList(global, profiles_json);
  if (pr_show->parsed()) return ProfilesShow(global, profile_name);
  if (pr_validate->parsed())
    return ProfilesValidate(global,
                            profile_name.empty() ? std::nullopt : std::optional<std::string>(profile_name));
  if (c_list->parsed()) return ConnectList(global, connect_profile, connect_types, connect_json);
  if (c_describe->parsed()) return ConnectDescribe(global, connect_name, describe_format);
  if (c_test->parsed()) return ConnectTest(global, connect_name, connect_profile);
  if (init->parsed()) return Init(global, init_dir, init_minimal, init_force);
  if (u_list->parsed()) return UdfList(global, connect_json);
  if (u_info->parsed()) return UdfInfo(global, connect_name);

  // A group without its subcommand, or no command at all: usage on stderr, exit 2.
  for (auto* group : {pipeline, profiles, connect, udf}) {
    if (group->parsed()) {
      Console::Get().Err(HelpText(app, ParsedPath(app)));
      return 2;
    }
  }
  Console::Get().Err(app.help());
  return 2;
}

}  // namespace sqlflow::cli
