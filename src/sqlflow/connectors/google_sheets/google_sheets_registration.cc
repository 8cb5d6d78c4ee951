// Registry entries of the google_sheets type (CONNECTORS.md §3.8): schema and compile-time rules; the
// implementation is not in this build yet, so its factory throws Error(kUnsupported).
#include "sqlflow/connectors/registry/registry.h"

#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

// ---- google_sheets ----

ResilienceDefaults SheetsResilience() { return ResilienceDefaultsOf("google_sheets"); }

void ValidateSheets(const Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string prefix = "GOOGLE_SHEETS connector: ";
  if (canonical.contains("spreadsheet_id")) {
    const std::string value = StringOr(canonical, "spreadsheet_id");
    static const std::regex url("https?://docs\\.google\\.com/spreadsheets/d/([A-Za-z0-9_-]+).*");
    static const std::regex id("[A-Za-z0-9_-]+");
    if (!std::regex_match(value, url) && !std::regex_match(value, id)) {
      AddIssue(issues, Severity::kError, "SF406", prefix + "cannot find a spreadsheet id in '" + value + "'",
               "spreadsheet_id");
    }
  }
  if (canonical.contains("range")) {
    const std::string range = StringOr(canonical, "range");
    static const std::regex a1(
        "(?:('(?:[^']|'')+'|[^'!]+)!)?"
        "([A-Za-z]{1,3}[0-9]*(?::[A-Za-z]{1,3}[0-9]*)?|[0-9]+:[0-9]+)");
    std::smatch match;
    if (!std::regex_match(range, match, a1)) {
      AddIssue(issues, Severity::kError, "SF406", prefix + "invalid A1 range '" + range + "'", "range");
    } else if (match[1].matched && canonical.contains("sheet_name")) {
      std::string sheet = match[1].str();
      if (sheet.size() >= 2 && sheet.front() == '\'') {
        std::string unquoted;
        for (size_t i = 1; i + 1 < sheet.size(); ++i) {
          unquoted += sheet[i];
          if (sheet[i] == '\'' && sheet[i + 1] == '\'') ++i;
        }
        sheet = unquoted;
      }
      const std::string sheet_name = StringOr(canonical, "sheet_name");
      if (sheet != sheet_name) {
        AddIssue(issues, Severity::kError, "SF406",
                 prefix + "range names sheet '" + sheet + "' but sheet_name is '" + sheet_name + "'",
                 "range");
      }
    }
  }
  if (canonical.contains("credentials_json")) {
    const Json& value = canonical["credentials_json"];
    if (!value.is_string() && !value.is_object()) {
      AddIssue(
          issues, Severity::kError, "SF404",
          prefix + "parameter 'credentials_json' must be a string or an object, got " + JsonTypeName(value),
          "credentials_json");
    }
  }
}

}  // namespace

ConnectorTypeInfo GoogleSheetsSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "google_sheets";
  info.aliases = {"sheets", "gsheets", "googlesheets"};
  info.description = "Google Sheets tabs through the Sheets API v4, read in row windows.";
  info.params = {
      P("spreadsheet_id", ParamType::kString, "Spreadsheet ID, or its full docs.google.com URL.").Required(),
      P("sheet_name", ParamType::kString, "Tab title; default: the LOAD target name.").Alias({"sheet"}),
      P("range", ParamType::kString,
        "A1 range (A1:E, A2:F1000, 2:5000, 'My Sheet'!A1:E); default: the whole sheet."),
      P("has_header", ParamType::kBoolean, "The first row of the range gives the column names.")
          .Default(true),
      P("value_render", ParamType::kString, "valueRenderOption.")
          .Enum({"unformatted", "formatted", "formula"})
          .Default("unformatted"),
      P("date_time_render", ParamType::kString, "dateTimeRenderOption (ignored with formatted).")
          .Enum({"formatted_string", "serial_number"})
          .Default("formatted_string"),
      P("skip_empty_rows", ParamType::kBoolean, "Drop rows without values.").Default(true),
      P("infer_types", ParamType::kBoolean, "Refine ISO 8601 string columns to temporal types.")
          .Default(true),
      P("credentials_file", ParamType::kString, "Service-account or authorized-user JSON file.")
          .Alias({"credentials_path"}),
      P("credentials_json", ParamType::kJson, "The credentials JSON inline.")
          .Secret()
          .Label("string or object"),
      P("credentials", ParamType::kString, "A credentials path, or inline JSON when it starts with '{'.")
          .Secret(),
      P("access_token", ParamType::kString, "A ready OAuth access token (no refresh).").Secret(),
      P("api_key", ParamType::kString, "API key (public spreadsheets only).").Secret(),
      P("scopes", ParamType::kArrayOfStrings, "OAuth scopes.")
          .Default(Json::array({"https://www.googleapis.com/auth/spreadsheets.readonly"})),
      P("base_url", ParamType::kString, "API origin.").Default("https://sheets.googleapis.com"),
      P("token_url", ParamType::kString,
        "OAuth token endpoint; default token_uri of the credentials, else "
        "https://oauth2.googleapis.com/token."),
  };
  const ResilienceDefaults resilience = SheetsResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf,
                       {"credentials_file", "credentials_json", "credentials", "access_token", "api_key"}}};
  info.validate = ValidateSheets;
  info.capabilities = {"multiple", "engine_filter",
                       false,      {},
                       true,       "service account, authorized user, access token, API key"};
  info.make_source = UnavailableSource("google_sheets");
  return info;
}

void RegisterGoogleSheetsConnector(Registries& registries) { registries.sources.Register(GoogleSheetsSourceInfo()); }

}  // namespace sqlflow::connectors
