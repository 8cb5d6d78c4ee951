// Registry entry of the rest source (CONNECTORS.md §3.7): parameter schema, capabilities, compile-time rules
// (the same ParseRestOptions that Configure uses) and the factory.
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/connectors/rest/rest_options.h"
#include "sqlflow/connectors/rest/rest_schema.h"
#include "sqlflow/connectors/rest/rest_source.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

ResilienceDefaults RestResilience() {
  return ResilienceDefaultsOf("rest");
}

}  // namespace

namespace rest {

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

}  // namespace rest

namespace {

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
  info.validate = [](const Json& canonical, std::vector<ParamIssue>& issues) {
    (void)rest::ParseRestOptions(canonical, issues);
  };
  info.capabilities = {"single", "pushdown", false,
                       {},       true,       "basic, digest, bearer, api_key, oauth2 client credentials"};
  info.make_source = [] { return rest::MakeRestSource(); };
  return info;
}

}  // namespace

void RegisterRestConnector(Registries& registries) {
  registries.sources.Register(RestSourceInfo());
}

}  // namespace sqlflow::connectors
