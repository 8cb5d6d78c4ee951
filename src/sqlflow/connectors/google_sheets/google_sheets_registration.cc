// Registry entry of the google_sheets source (CONNECTORS.md §3.8): parameter schema, capabilities,
// compile-time rules (the same ParseSheetsOptions that Configure uses) and the factory.
#include "sqlflow/connectors/registry/registry.h"

#include "sqlflow/connectors/google_sheets/sheets_options.h"
#include "sqlflow/connectors/google_sheets/sheets_source.h"
#include "sqlflow/connectors/registry/param_builder.h"

namespace sqlflow::connectors {
namespace {

using OrderedJson = nlohmann::ordered_json;

ResilienceDefaults SheetsResilience() {
  return ResilienceDefaultsOf("google_sheets");
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
          .Default(OrderedJson::array({"https://www.googleapis.com/auth/spreadsheets.readonly"})),
      P("base_url", ParamType::kString, "API origin.").Default("https://sheets.googleapis.com"),
      P("token_url", ParamType::kString,
        "OAuth token endpoint; default token_uri of the credentials, else "
        "https://oauth2.googleapis.com/token."),
  };
  const ResilienceDefaults resilience = SheetsResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf,
                       {"credentials_file", "credentials_json", "credentials", "access_token", "api_key"}}};
  info.validate = [](const OrderedJson& canonical, std::vector<ParamIssue>& issues) {
    (void)google_sheets::ParseSheetsOptions(canonical, issues);
  };
  info.capabilities = {"multiple", "engine_filter",
                       false,      {},
                       true,       "service account, authorized user, access token, API key"};
  info.make_source = [] { return google_sheets::MakeSheetsSource(); };
  return info;
}

void RegisterGoogleSheetsConnector(Registries& registries) {
  registries.sources.Register(GoogleSheetsSourceInfo());
}

}  // namespace sqlflow::connectors
