// Registry entries of the network connector types (CONNECTORS.md §3.5, §3.7-3.9; s3 registers from
// its own folder, s3/s3_registration.cc) with their full parameter
// schemas and compile-time rules, so that validation and `connect describe` know them before their
// implementations land. Until then their factories throw Error(kUnsupported).
#include <algorithm>
#include <regex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/file_paths.h"
#include "sqlflow/connectors/postgres/postgres.h"
#include "sqlflow/connectors/registry/builtin.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

std::function<std::unique_ptr<Source>()> UnavailableSource(const std::string& type) {
  return [type]() -> std::unique_ptr<Source> {
    throw Error(ErrorKind::kUnsupported, type + " connector is not available in this build yet");
  };
}

std::string StringOr(const Json& canonical, const std::string& key, const std::string& fallback = "") {
  return canonical.contains(key) && canonical[key].is_string() ? canonical[key].get<std::string>() : fallback;
}

std::vector<std::pair<std::string, std::string>> OnlyOn(const std::string& side,
                                                        const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : names) out.push_back({name, "'" + name + "' is only valid on a " + side});
  return out;
}

// ---- postgres ----

ResilienceDefaults PostgresResilience() {
  ResilienceDefaults d = ResilienceDefaultsOf("postgres");
  d.max_throttle_retries.reset();  // no throttling, no bucket, statement time limit is query_timeout_seconds
  d.requests_per_second.reset();
  d.rate_limit_burst.reset();
  d.timeout_seconds.reset();
  d.include_connect_timeout = false;
  return d;
}

std::vector<ParamSpec> PostgresConnectionParams() {
  return {
      P("uri", ParamType::kString,
        "Connection string: postgres[ql]://... or libpq key=value; explicit parameters override its parts.")
          .Alias({"connection", "dsn"}),
      P("host", ParamType::kString, "Server host or socket directory; default: libpq (PGHOST, socket)."),
      P("port", ParamType::kInteger, "Server port.").Min(1).Max(65535).Default(5432),
      P("database", ParamType::kString, "Database name; default: libpq.").Alias({"dbname"}),
      P("user", ParamType::kString, "User name; default: libpq.").Alias({"username"}),
      P("password", ParamType::kString, "Password; default: libpq (PGPASSWORD, ~/.pgpass).").Secret(),
      P("sslmode", ParamType::kString, "TLS mode.")
          .Alias({"ssl_mode"})
          .Enum({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
          .Default("prefer"),
      P("sslrootcert", ParamType::kString, "Path of the root certificate file."),
      P("sslcert", ParamType::kString, "Path of the client certificate file."),
      P("sslkey", ParamType::kString, "Path of the client key file."),
      P("connect_timeout_seconds", ParamType::kInteger, "Connect time limit in seconds.")
          .Alias({"connect_timeout"})
          .Min(1)
          .Default(10),
      P("application_name", ParamType::kString, "application_name of the session.").Default("sqlflow"),
      P("schema", ParamType::kString, "Schema for an unqualified table.").Default("public"),
      P("table", ParamType::kString,
        "name or schema.name (quoted parts kept exactly); default: the LOAD or EXPORT table name.")
          .Alias({"table_name"}),
  };
}

bool IsPostgresTableName(const std::string& text) {
  static const std::regex name(
      "(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)(\\.(\"([^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))?");
  return std::regex_match(text, name);
}

void ValidatePostgres(const Json& canonical, std::vector<ParamIssue>& issues) {
  if (canonical.contains("uri")) {
    const std::string uri = StringOr(canonical, "uri");
    const bool url = StartsWith(uri, "postgres://") || StartsWith(uri, "postgresql://");
    if (!url && uri.find('=') == std::string::npos) {
      AddIssue(issues, Severity::kError, "SF405",
               "POSTGRES connector: parameter 'uri' must start with postgres:// or postgresql:// or be a "
               "key=value "
               "connection string",
               "uri");
    }
  }
  if (canonical.contains("table")) {
    const std::string table = StringOr(canonical, "table");
    if (!IsPostgresTableName(table)) {
      AddIssue(issues, Severity::kError, "SF406",
               "POSTGRES connector: 'table' '" + table +
                   "' is not a valid identifier (use schema.name, quote parts with double quotes)",
               "table");
    }
  }
}

// ---- rest ----

ResilienceDefaults RestResilience() {
  return ResilienceDefaultsOf("rest");
}

std::vector<ParamSpec> RestAuthParams() {
  return {
      P("type", ParamType::kString, "Auth type.")
          .Enum({"none", "basic", "digest", "bearer", "api_key", "oauth2_client_credentials"}),
      P("username", ParamType::kString, "basic / digest user."),
      P("password", ParamType::kString, "basic / digest password.").Secret(),
      P("token", ParamType::kString, "bearer token.").Secret(),
      P("name", ParamType::kString, "api_key: header or parameter name.").Alias({"key_name"}),
      P("value", ParamType::kString, "api_key: the key.").Alias({"key_value"}).Secret(),
      P("in", ParamType::kString, "api_key: where the key goes.").Enum({"header", "query"}),
      P("token_url", ParamType::kString, "oauth2: token endpoint."),
      P("client_id", ParamType::kString, "oauth2: client id."),
      P("client_secret", ParamType::kString, "oauth2: client secret.").Secret(),
      P("scope", ParamType::kString, "oauth2: scope."),
      P("audience", ParamType::kString, "oauth2: audience."),
      P("client_auth", ParamType::kString, "oauth2: how client credentials are sent.")
          .Enum({"basic", "body"}),
  };
}

std::vector<ParamSpec> RestPaginationParams() {
  return {
      P("type", ParamType::kString, "Pagination type."),
      P("page_param", ParamType::kString, "page_number: page parameter."),
      P("start_page", ParamType::kInteger, "page_number: first page."),
      P("size_param", ParamType::kString, "Page size parameter."),
      P("page_size", ParamType::kInteger, "Page size.").Min(1),
      P("total_pages_path", ParamType::kString, "page_number: path of the page count."),
      P("offset_param", ParamType::kString, "offset: offset parameter."),
      P("limit_param", ParamType::kString, "offset: limit parameter."),
      P("limit", ParamType::kInteger, "offset: rows per request.").Min(1),
      P("start_offset", ParamType::kInteger, "offset: first offset.").Min(0),
      P("total_path", ParamType::kString, "offset: path of the total count."),
      P("cursor_param", ParamType::kString, "cursor: cursor parameter."),
      P("cursor_path", ParamType::kString, "cursor: path of the next cursor."),
      P("rel", ParamType::kString, "link_header: relation to follow."),
      P("next_url_path", ParamType::kString, "next_url: path of the next URL."),
      P("stop_on_status", ParamType::kJson, "HTTP codes that mean no more pages."),
  };
}

void ValidateRestUrl(const std::string& url, std::vector<ParamIssue>& issues) {
  std::string reason;
  std::string rest;
  if (StartsWith(ToLower(url), "http://")) {
    rest = url.substr(7);
  } else if (StartsWith(ToLower(url), "https://")) {
    rest = url.substr(8);
  } else {
    reason = "the scheme must be http or https";
  }
  if (reason.empty()) {
    const std::string host = rest.substr(0, rest.find_first_of("/?#"));
    if (host.empty() || host.front() == ':') reason = "missing host";
    if (host.find_first_of(" \t") != std::string::npos) reason = "spaces in the host";
  }
  if (!reason.empty()) {
    AddIssue(issues, Severity::kError, "SF406", "REST connector: invalid url '" + url + "': " + reason,
             "url");
  }
}

void ValidateRest(const Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string prefix = "REST connector: ";
  if (canonical.contains("url")) ValidateRestUrl(StringOr(canonical, "url"), issues);
  if (canonical.contains("body") && StringOr(canonical, "method", "GET") != "POST") {
    AddIssue(issues, Severity::kError, "SF406", prefix + "body is only allowed with method POST", "body");
  }
  if (canonical.contains("data_path") && StringOr(canonical, "response_format", "json") == "ndjson") {
    AddIssue(issues, Severity::kError, "SF406",
             prefix + "data_path cannot be used with response_format 'ndjson'", "data_path");
  }
  if (canonical.contains("auth")) {
    Json auth = CheckNestedObject(prefix, "auth", RestAuthParams(), canonical["auth"], issues);
    const std::string type = StringOr(auth, "type", "none");
    auto require = [&](const std::string& field) {
      if (!auth.contains(field)) {
        AddIssue(issues, Severity::kError, "SF406",
                 prefix + "auth." + field + " is required for auth type '" + type + "'", "auth");
      }
    };
    if (type == "basic" || type == "digest") {
      require("username");
      require("password");
    } else if (type == "bearer") {
      require("token");
    } else if (type == "api_key") {
      require("value");
    } else if (type == "oauth2_client_credentials") {
      require("token_url");
      require("client_id");
      require("client_secret");
    }
  }
  if (canonical.contains("pagination")) {
    Json pagination =
        CheckNestedObject(prefix, "pagination", RestPaginationParams(), canonical["pagination"], issues);
    std::string type = StringOr(pagination, "type");
    if (type.empty()) {
      type = pagination.contains("page_param") || pagination.contains("size_param") ? "page_number" : "none";
    }
    static const std::vector<std::string> known = {"none",   "page_number", "offset",
                                                   "cursor", "link_header", "next_url"};
    if (std::find(known.begin(), known.end(), type) == known.end()) {
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "unknown pagination type '" + type + "'; known: " + Join(known, ", "), "pagination");
    }
    auto require = [&](const std::string& field) {
      if (!pagination.contains(field)) {
        AddIssue(issues, Severity::kError, "SF406",
                 prefix + "pagination." + field + " is required for type '" + type + "'", "pagination");
      }
    };
    if (type == "cursor") {
      require("cursor_path");
      require("cursor_param");
    } else if (type == "next_url") {
      require("next_url_path");
    }
    if (pagination.contains("stop_on_status")) {
      const Json& codes = pagination["stop_on_status"];
      bool ok = codes.is_array() && std::all_of(codes.begin(), codes.end(),
                                                [](const Json& code) { return code.is_number_integer(); });
      if (!ok) {
        AddIssue(issues, Severity::kError, "SF404",
                 prefix + "parameter 'pagination.stop_on_status' must be an array of integers, got " +
                     JsonTypeName(codes) + " " + ShortJson(codes),
                 "pagination");
      }
    }
  }
}

// ---- google_sheets ----

ResilienceDefaults SheetsResilience() {
  return ResilienceDefaultsOf("google_sheets");
}

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

// ---- shopify ----

ResilienceDefaults ShopifyResilience() {
  return ResilienceDefaultsOf("shopify");
}

const std::vector<std::string>& ShopifyObjects() {
  static const std::vector<std::string> objects = {
      "orders",    "order_line_items", "order_fulfillments", "order_refunds",     "customers",
      "products",  "product_variants", "custom_collections", "smart_collections", "collects",
      "locations", "inventory_levels", "price_rules",        "draft_orders",      "tender_transactions",
      "metafields"};
  return objects;
}

void ValidateShopify(const Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string prefix = "SHOPIFY connector: ";
  const std::string object = StringOr(canonical, "object");
  if (canonical.contains("object")) {
    const auto& objects = ShopifyObjects();
    if (std::find(objects.begin(), objects.end(), object) == objects.end()) {
      std::string message = prefix + "unknown object '" + object + "'";
      if (auto close = DidYouMean(object, objects)) message += " (did you mean '" + *close + "'?)";
      message += "; objects: " + Join(objects, ", ");
      AddIssue(issues, Severity::kError, "SF406", message, "object");
    }
  }
  if (canonical.contains("api_version")) {
    static const std::regex version("[0-9]{4}-[0-9]{2}");
    const std::string value = StringOr(canonical, "api_version");
    if (!std::regex_match(value, version)) {
      AddIssue(issues, Severity::kError, "SF405",
               prefix + "parameter 'api_version' must look like YYYY-MM; got '" + value + "'", "api_version");
    }
  }
  if (canonical.contains("shop_domain") && !canonical.contains("base_url")) {
    static const std::regex domain("[a-z0-9][a-z0-9-]{1,61}[a-z0-9](\\.myshopify\\.com)?");
    const std::string value = ToLower(StringOr(canonical, "shop_domain"));
    if (!std::regex_match(value, domain)) {
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "invalid shop_domain '" + StringOr(canonical, "shop_domain") + "'", "shop_domain");
    }
  }
  if (canonical.contains("location_ids")) {
    const Json& ids = canonical["location_ids"];
    const bool ok = ids.is_array() && std::all_of(ids.begin(), ids.end(),
                                                  [](const Json& id) { return id.is_number_integer(); });
    if (!ok) {
      AddIssue(issues, Severity::kError, "SF404",
               prefix + "parameter 'location_ids' must be an array of integers, got " + JsonTypeName(ids) +
                   " " + ShortJson(ids),
               "location_ids");
    } else if (canonical.contains("object") && object != "inventory_levels") {
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "'location_ids' only applies to object 'inventory_levels'", "location_ids");
    }
  }
}

}  // namespace

ConnectorTypeInfo PostgresSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables and queries over libpq binary COPY.";
  info.params = PostgresConnectionParams();
  info.params.push_back(P("query", ParamType::kString, "An arbitrary SELECT to read instead of a table."));
  info.params.push_back(
      P("query_timeout_seconds", ParamType::kInteger, "statement_timeout in seconds; 0 = none.")
          .Min(0)
          .Default(0));
  const ResilienceDefaults resilience = PostgresResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.constraints = {{Constraint::Kind::kAtMostOneOf, {"table", "query"}}};
  info.validate = ValidatePostgres;
  info.other_side_params = OnlyOn("destination", {"replace_strategy", "create_table"});
  info.capabilities = {"multiple", "pushdown", true, {}, true, "password, TLS certificates"};
  info.make_source = [] { return MakePostgresSource(); };
  return info;
}

ConnectorTypeInfo PostgresDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "postgres";
  info.aliases = {"postgresql", "pg"};
  info.description = "PostgreSQL tables, written in one transaction with binary COPY.";
  info.params = DestinationModeParams();
  AppendParams(info.params, PostgresConnectionParams());
  info.params.push_back(
      P("create_table", ParamType::kBoolean, "Create a missing target table.").Default(true));
  info.params.push_back(P("replace_strategy", ParamType::kString, "How replace empties an existing table.")
                            .Enum({"truncate", "delete", "drop"})
                            .Default("truncate"));
  AppendParams(info.params, ResilienceParams(PostgresResilience(), true));
  info.validate = ValidatePostgres;
  info.other_side_params = OnlyOn("source", {"query", "query_timeout_seconds"});
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, true, "password, TLS certificates"};
  info.make_destination = [] { return MakePostgresDestination(); };
  return info;
}

ConnectorTypeInfo RestSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "rest";
  info.aliases = {"rest_api", "http"};
  info.description = "JSON HTTP APIs: paginated GET or POST requests, records flattened into columns.";
  info.params = {
      P("url", ParamType::kString, "Base URL (http or https); may contain a query string.").Required(),
      P("path", ParamType::kString, "Appended to url with exactly one '/' between them."),
      P("method", ParamType::kString, "HTTP method.").Enum({"GET", "POST"}).Default("GET"),
      P("headers", ParamType::kObjectMap, "Extra request headers.").Default(Json::object()),
      P("params", ParamType::kObject, "Query parameters (arrays repeat the key).").Default(Json::object()),
      P("body", ParamType::kJson, "POST body, sent as application/json."),
      P("auth", ParamType::kObject,
        "Authentication: {type: none|basic|digest|bearer|api_key|oauth2_client_credentials, ...}."),
      P("data_path", ParamType::kString, "Dotted path of the records in each response; default: the root.")
          .Alias({"records_path"}),
      P("response_format", ParamType::kString, "Response body layout.")
          .Enum({"json", "ndjson"})
          .Default("json"),
      P("pagination", ParamType::kObject,
        "Pagination: {type: none|page_number|offset|cursor|link_header|next_url, ...}.")
          .Default(Json{{"type", "none"}}),
      P("flatten", ParamType::kBoolean, "Nested objects become parent.child columns.")
          .Alias({"flatten_response"})
          .Default(true),
      P("flatten_separator", ParamType::kString, "Separator of flattened column names.").Default("."),
      P("max_flatten_depth", ParamType::kInteger, "Deeper objects stay JSON.").Min(1).Default(10),
      P("infer_types", ParamType::kBoolean,
        "Refine ISO 8601 string columns to DATE / TIMESTAMP / TIMESTAMPTZ.")
          .Default(true),
      P("incremental_param", ParamType::kString,
        "Query parameter that receives the incremental lower bound."),
      P("incremental_value_format", ParamType::kString, "How the bound is written.")
          .Enum({"iso8601", "date", "unix", "unix_ms", "raw"})
          .Default("iso8601"),
      P("max_pages", ParamType::kInteger, "Stop after this many pages; 0 = no limit.").Min(0).Default(0),
      P("max_response_mb", ParamType::kInteger, "Per-response size cap in MiB.").Min(1).Default(256),
      P("follow_redirects", ParamType::kBoolean, "Follow up to 5 redirects.").Default(true),
      P("verify_ssl", ParamType::kBoolean, "Verify TLS certificates.").Default(true),
      P("ca_file", ParamType::kString, "CA bundle file for TLS verification."),
      P("user_agent", ParamType::kString, "User-Agent header; default sqlflow/<version>."),
  };
  const ResilienceDefaults resilience = RestResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.validate = ValidateRest;
  info.capabilities = {"single", "pushdown", false,
                       {},       true,       "basic, digest, bearer, api_key, oauth2 client credentials"};
  info.make_source = UnavailableSource("rest");
  return info;
}

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

ConnectorTypeInfo ShopifySourceInfo() {
  ConnectorTypeInfo info;
  info.name = "shopify";
  info.description = "Shopify Admin REST API resources (orders, customers, products, ...).";
  info.params = {
      P("shop_domain", ParamType::kString, "mystore or mystore.myshopify.com.")
          .Alias({"shop", "shop_name"})
          .Required(),
      P("access_token", ParamType::kString, "Admin API access token.").Secret().Required(),
      P("api_version", ParamType::kString, "Admin API version, YYYY-MM.").Default("2025-10"),
      P("object", ParamType::kString, "Resource to read; default: the LOAD target name.")
          .Alias({"resource", "table_name"}),
      P("base_url", ParamType::kString, "Origin override; default https://<shop_domain>."),
      P("page_size", ParamType::kInteger, "Records per request (limit).")
          .Alias({"limit"})
          .Min(1)
          .Max(250)
          .Default(250),
      P("fields", ParamType::kArrayOfStrings, "fields parameter of the first request."),
      P("order_status", ParamType::kString, "status filter for orders and derived objects.")
          .Enum({"any", "open", "closed", "cancelled"})
          .Default("any"),
      P("created_at_min", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("created_at_max", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("updated_at_min", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("updated_at_max", ParamType::kString, "Static ISO 8601 filter on the first request."),
      P("location_ids", ParamType::kJson, "Locations for inventory_levels; default: all.")
          .Label("array of integers"),
      P("flatten", ParamType::kBoolean, "Nested objects become parent.child columns.").Default(true),
      P("clock_skew_seconds", ParamType::kInteger, "Safety margin for the incremental upper bound.")
          .Min(0)
          .Default(60),
  };
  const ResilienceDefaults resilience = ShopifyResilience();
  AppendParams(info.params, CommonSourceParams(&resilience));
  info.validate = ValidateShopify;
  info.capabilities = {"multiple", "pushdown", false, {}, true, "access token"};
  info.make_source = UnavailableSource("shopify");
  return info;
}

}  // namespace sqlflow::connectors
