//! `template.yaml` (AWS SAM) against the code: the HTTP API's routes are exactly the route table
//! (`motcua::api_routes()`), every Lambda function is built by cargo lambda from its crate's
//! binary and gets the environment the Lambda runtime (`shared/lambda`) reads, the workers are
//! wired to their queue and schedule, permissions stay least-privilege, and the event fixtures
//! in `infra/events/` are requests to real routes.
//!
//! Logical ids follow the function name: `status` → `StatusFunction`, `outbox-relay` →
//! `OutboxRelayFunction`. Lint (cfn-lint, sam validate) is `tests/aws-checks.sh`.

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workers: (function name, binary, crate directory).
const WORKERS: [(&str, &str, &str); 3] = [
    ("events", "motcua-events", "functions/events"),
    ("outbox-relay", "motcua-outbox-relay", "functions/events"),
    ("integration-worker", "motcua-integration-worker", "functions/integration"),
];

/// Functions that only read the table (the calendar's one write is an inline statement
/// narrowed to its own partition, checked below).
const READ_ONLY: [&str; 5] = ["meta", "catalogue", "status", "reporting", "calendar"];

/// The only functions given the private signing keys: identity issues tokens, the outbox
/// relay signs the ledger's checkpoints. Every other one verifies with the public keys.
const SIGNERS: [&str; 2] = ["IdentityFunction", "OutboxRelayFunction"];

/// Variables the Lambda runtime needs whatever its source says (the brief of the runtime).
const REQUIRED_ENV: [&str; 9] = [
    "MOTCUA_TABLE",
    "MOTCUA_BUCKET",
    "MOTCUA_EVENTS_QUEUE_URL",
    "MOTCUA_ISSUER",
    "MOTCUA_AUDIENCE",
    "MOTCUA_JWT_PUBLIC_KEYS_PARAM",
    "MOTCUA_LOOKUP_PEPPER_PARAM",
    "MOTCUA_LOG_FORMAT",
    "MOTCUA_CORS_ORIGIN",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn template() -> Value {
    let text = std::fs::read_to_string(root().join("template.yaml")).expect("template.yaml at the repository root");
    serde_yaml::from_str(&text).expect("template.yaml is YAML")
}

fn resources(t: &Value) -> &Mapping {
    t["Resources"].as_mapping().expect("Resources")
}

pub(crate) fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
    resources(t).get(id).unwrap_or_else(|| panic!("template.yaml has no resource {id}"))
}

pub(crate) fn logical_id(function: &str) -> String {
    let mut id: String = function
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect();
    id.push_str("Function");
    id
}

/// `!Ref X` or `{Ref: X}`.
fn ref_of(v: &Value) -> Option<&str> {
    match v {
        Value::Tagged(t) if t.tag == "Ref" => t.value.as_str(),
        Value::Mapping(m) if m.len() == 1 => m.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

/// `!GetAtt X.Attr` or `{Fn::GetAtt: [X, Attr]}`, as `X.Attr`.
fn get_att(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) if t.tag == "GetAtt" => t.value.as_str().map(String::from),
        Value::Mapping(m) if m.len() == 1 => {
            let parts = m.get("Fn::GetAtt")?.as_sequence()?;
            Some(format!("{}.{}", parts.first()?.as_str()?, parts.get(1)?.as_str()?))
        }
        _ => None,
    }
}

pub(crate) fn functions(t: &Value) -> BTreeMap<String, &Value> {
    resources(t)
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(id, r)| (id.as_str().expect("logical id").to_string(), r))
        .collect()
}

/// The route table as (METHOD, path, function).
fn route_table() -> BTreeSet<(String, String, String)> {
    motcua::api_routes()
        .iter()
        .map(|r| (r.method.as_str().to_string(), r.path.to_string(), r.function.to_string()))
        .collect()
}

fn http_functions() -> BTreeSet<String> {
    route_table().into_iter().map(|(_, _, f)| f).collect()
}

/// Every Lambda function of the deployment: (name, binary, crate directory).
fn all_functions() -> Vec<(String, String, String)> {
    let mut all: Vec<_> =
        http_functions().into_iter().map(|f| (f.clone(), format!("motcua-{f}"), format!("functions/{f}"))).collect();
    all.extend(WORKERS.iter().map(|(f, bin, dir)| (f.to_string(), bin.to_string(), dir.to_string())));
    all
}

#[test]
fn the_http_api_routes_are_exactly_the_route_table() {
    let t = template();
    let by_id: BTreeMap<String, String> = http_functions().into_iter().map(|f| (logical_id(&f), f)).collect();
    let mut declared = Vec::new();
    let mut catch_all = Vec::new();
    for (id, f) in functions(&t) {
        let Some(events) = f["Properties"].get("Events").and_then(Value::as_mapping) else { continue };
        for (name, event) in events {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let name = name.as_str().unwrap_or_default();
            let props = &event["Properties"];
            assert_eq!(ref_of(&props["ApiId"]), Some("HttpApi"), "{id}.{name}: ApiId must be !Ref HttpApi");
            let function = by_id
                .get(&id)
                .unwrap_or_else(|| panic!("{id} has HTTP events but no route of the route table belongs to it"));
            match (props.get("Method").and_then(Value::as_str), props.get("Path").and_then(Value::as_str)) {
                (Some(method), Some(path)) => {
                    declared.push((method.to_uppercase(), path.to_string(), function.clone()))
                }
                (None, None) => catch_all.push(id.clone()),
                _ => panic!("{id}.{name}: an HttpApi event has both Method and Path, or neither ($default)"),
            }
        }
    }
    let template_routes: BTreeSet<_> = declared.iter().cloned().collect();
    assert_eq!(template_routes.len(), declared.len(), "a route is declared twice in template.yaml");
    let table = route_table();
    let show = |routes: Vec<&(String, String, String)>| -> String {
        routes.iter().map(|(m, p, f)| format!("\n    {m} {p} ({f})")).collect()
    };
    let missing = show(table.difference(&template_routes).collect());
    let extra = show(template_routes.difference(&table).collect());
    assert!(
        missing.is_empty() && extra.is_empty(),
        "template.yaml and motcua::api_routes() differ\n  in the route table only:{missing}\n  in template.yaml only:{extra}"
    );
    // Unknown paths reach the meta function, which answers problem+json 404 (route_not_found).
    assert_eq!(catch_all, vec!["MetaFunction".to_string()], "exactly one $default route, on MetaFunction");
}

#[test]
fn every_function_is_built_by_cargo_lambda_from_its_crate_binary() {
    let t = template();
    let globals = &t["Globals"]["Function"];
    assert_eq!(globals["Runtime"], "provided.al2023");
    assert_eq!(globals["Handler"], "bootstrap");
    // The architecture is a parameter whose default is the one CI builds (tests/lambda-build.sh).
    assert_eq!(globals["Architectures"], serde_yaml::from_str::<Value>("[!Ref Architecture]").unwrap());
    let architecture = &t["Parameters"]["Architecture"];
    assert_eq!(architecture["Default"], "x86_64");
    assert_eq!(architecture["AllowedValues"], serde_yaml::from_str::<Value>("[x86_64, arm64]").unwrap());
    assert_eq!(globals["LoggingConfig"]["LogFormat"], "JSON");

    let declared = functions(&t);
    let expected: BTreeSet<String> = all_functions().iter().map(|(f, _, _)| logical_id(f)).collect();
    let actual: BTreeSet<String> = declared.keys().cloned().collect();
    assert_eq!(actual, expected, "one Lambda function per HTTP function of the route table, plus the two workers");

    for (function, binary, dir) in all_functions() {
        let id = logical_id(&function);
        let f = declared[&id];
        assert_eq!(f["Metadata"]["BuildMethod"], "rust-cargolambda", "{id}");
        assert_eq!(f["Metadata"]["BuildProperties"]["Binary"], binary.as_str(), "{id}");
        assert_eq!(f["Properties"]["CodeUri"], dir.as_str(), "{id}: CodeUri is the crate that has the binary");
        let manifest = std::fs::read_to_string(root().join(&dir).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{id}: {dir}/Cargo.toml: {e}"));
        assert!(manifest.contains(&format!("name = \"{binary}\"")), "{dir}/Cargo.toml declares no binary {binary}");
        assert!(
            manifest.contains("\nlambda = "),
            "{dir}/Cargo.toml has no `lambda` feature (built with --features lambda)"
        );
        // Every function writes to a log group of its own with a retention.
        let group = ref_of(&f["Properties"]["LoggingConfig"]["LogGroup"])
            .unwrap_or_else(|| panic!("{id}: LoggingConfig.LogGroup"));
        let group = resource(&t, group);
        assert_eq!(group["Type"], "AWS::Logs::LogGroup");
        assert!(group["Properties"].get("RetentionInDays").is_some(), "{id}: log retention");
    }
}

/// `"MOTCUA_…"` string literals in the Lambda runtime's library sources (not `src/bin/`: the
/// operator's tools such as `motcua-bootstrap` are not functions).
fn env_read_by_the_lambda_runtime() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("bin") {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, _) in text.match_indices("\"MOTCUA_") {
                    let name: String = text[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    found.insert(name);
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&root().join("shared/lambda/src"), &mut found);
    found
}

#[test]
fn every_function_gets_the_environment_the_lambda_runtime_reads() {
    let t = template();
    let global = t["Globals"]["Function"]["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
    let mut needed: BTreeSet<String> = REQUIRED_ENV.iter().map(|s| s.to_string()).collect();
    needed.extend(env_read_by_the_lambda_runtime());
    needed.remove("MOTCUA_JWT_KEYS_PARAM");
    // The providers of the applicants' messages (optional, each off when empty) go to the
    // events worker only, the one function that sends.
    let providers = [motcua_connectors::zalo::ZALO_ENV, motcua_connectors::sms::SMS_ENV].concat();
    let providers: Vec<&str> = std::iter::once("MOTCUA_SES_FROM").chain(providers).collect();
    needed.remove("MOTCUA_SES_FROM");
    for (id, f) in functions(&t) {
        let own = f["Properties"]["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
        for name in &providers {
            let given = own.contains_key(*name) || global.contains_key(*name);
            assert_eq!(given, id == "EventsFunction", "{id}: {name} only where messages are sent");
        }
    }
    let sends = serde_yaml::to_string(&functions(&t)["EventsFunction"]["Properties"]["Policies"]).unwrap();
    assert!(sends.contains("ses:SendEmail"), "the events worker may send email by SES");
    for (id, f) in functions(&t) {
        let mut vars = global.clone();
        if let Some(own) = f["Properties"]["Environment"]["Variables"].as_mapping() {
            vars.extend(own.clone());
        }
        for name in &needed {
            let value = vars.get(name.as_str()).unwrap_or_else(|| panic!("{id} lacks environment variable {name}"));
            assert!(!value.is_null() && value != "", "{id}: {name} is empty");
        }
        assert_eq!(vars["MOTCUA_LOG_FORMAT"], "json", "{id}");
        assert_eq!(vars["MOTCUA_AUDIENCE"], "motcua-api", "{id}");
        assert_eq!(ref_of(&vars["MOTCUA_TABLE"]), Some("Table"), "{id}");
        assert_eq!(ref_of(&vars["MOTCUA_EVENTS_QUEUE_URL"]), Some("EventsQueue"), "{id}");
        assert_eq!(
            ref_of(&vars["MOTCUA_JWT_PUBLIC_KEYS_PARAM"]),
            Some("JwtPublicKeysParameterName"),
            "{id}: a parameter name, never a key"
        );
        let signer = SIGNERS.contains(&id.as_str());
        let private = vars.get("MOTCUA_JWT_KEYS_PARAM").map(ref_of);
        assert_eq!(
            private,
            signer.then_some(Some("JwtKeysParameterName")),
            "{id}: the private keys only where they sign"
        );
        let (managed, _) = policies(&id, f);
        assert_eq!(
            managed.contains(&"SigningKeysReadPolicy"),
            signer,
            "{id}: SigningKeysReadPolicy only where they sign"
        );
        assert_eq!(ref_of(&vars["MOTCUA_LOOKUP_PEPPER_PARAM"]), Some("LookupPepperParameterName"), "{id}");
    }
    let text = |id: &str| serde_yaml::to_string(resource(&t, id)).unwrap();
    assert!(
        !text("SecretsReadPolicy").contains("${JwtKeysParameterName}"),
        "the private keys are not in the common policy"
    );
    assert!(text("SigningKeysReadPolicy").contains("${JwtKeysParameterName}"));
    // The budget of one SDK call, retries included, ends before the shortest function timeout.
    let timeout = |f: &Value| f["Properties"]["Timeout"].as_u64();
    let global_timeout = t["Globals"]["Function"]["Timeout"].as_u64().expect("Globals Timeout");
    let shortest = functions(&t).values().map(|f| timeout(f).unwrap_or(global_timeout)).min().unwrap();
    assert!(motcua_aws::OPERATION_TIMEOUT.as_secs() < shortest, "SDK budget vs. {shortest} s");
    // The bucket is named, not referenced (see FilesBucket): both spellings must agree.
    let bucket_name = &resource(&t, "FilesBucket")["Properties"]["BucketName"];
    assert_eq!(&global[&Value::from("MOTCUA_BUCKET")], bucket_name, "MOTCUA_BUCKET is FilesBucket's BucketName");
}

#[test]
fn the_workers_are_wired_to_the_events_queue_and_the_schedule() {
    let t = template();
    let worker = resource(&t, "EventsFunction");
    let worker_timeout = worker["Properties"]["Timeout"].as_u64().expect("EventsFunction.Timeout");
    let mapping = resources(&t)
        .values()
        .find(|r| {
            r["Type"] == "AWS::Lambda::EventSourceMapping"
                && ref_of(&r["Properties"]["FunctionName"]) == Some("EventsFunction")
        })
        .expect("an SQS event source mapping for EventsFunction");
    assert_eq!(get_att(&mapping["Properties"]["EventSourceArn"]).as_deref(), Some("EventsQueue.Arn"));
    assert!(
        mapping["Properties"]["FunctionResponseTypes"]
            .as_sequence()
            .is_some_and(|s| s.iter().any(|v| v == "ReportBatchItemFailures")),
        "partial batch failures"
    );

    let queue = &resource(&t, "EventsQueue")["Properties"];
    let visibility = queue["VisibilityTimeout"].as_u64().expect("EventsQueue.VisibilityTimeout");
    assert!(
        visibility >= 6 * worker_timeout,
        "visibility timeout {visibility} s < 6 x the worker's {worker_timeout} s"
    );
    assert_eq!(queue["RedrivePolicy"]["maxReceiveCount"], 5);
    assert_eq!(get_att(&queue["RedrivePolicy"]["deadLetterTargetArn"]).as_deref(), Some("EventsDeadLetterQueue.Arn"));

    let relay = resource(&t, "OutboxRelayFunction");
    let schedules: Vec<&Value> = relay["Properties"]["Events"]
        .as_mapping()
        .expect("OutboxRelayFunction.Events")
        .values()
        .filter(|e| e["Type"] == "Schedule")
        .collect();
    assert_eq!(schedules.len(), 1);
    assert_eq!(schedules[0]["Properties"]["Schedule"], "rate(1 minute)");
}

/// A function's policies: (managed policies by logical id, inline statements).
pub(crate) fn policies<'a>(id: &str, f: &'a Value) -> (Vec<&'a str>, Vec<&'a Value>) {
    let mut managed = Vec::new();
    let mut inline = Vec::new();
    for p in f["Properties"]["Policies"].as_sequence().unwrap_or_else(|| panic!("{id}: Policies")) {
        if let Some(r) = ref_of(p) {
            managed.push(r);
        } else if let Some(statements) = p.get("Statement").and_then(Value::as_sequence) {
            inline.extend(statements);
        } else {
            panic!("{id}: {p:?} - use the template's managed policies or an inline statement (SAM policy templates and AWS managed policies are broader than needed)");
        }
    }
    (managed, inline)
}

pub(crate) fn actions(statement: &Value) -> Vec<String> {
    match &statement["Action"] {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(s) => s.iter().filter_map(Value::as_str).map(String::from).collect(),
        other => panic!("unexpected Action {other:?}"),
    }
}

#[test]
fn permissions_are_least_privilege() {
    let t = template();
    // No wildcard action in any Allow statement of the template's managed policies or functions.
    let mut allow: Vec<(String, &Value)> = Vec::new();
    for (id, r) in resources(&t) {
        if r["Type"] == "AWS::IAM::ManagedPolicy" {
            for s in r["Properties"]["PolicyDocument"]["Statement"].as_sequence().expect("Statement") {
                allow.push((id.as_str().unwrap().to_string(), s));
            }
        }
    }
    let functions = functions(&t);
    for (id, f) in &functions {
        let (managed, inline) = policies(id, f);
        for m in &managed {
            assert_eq!(resource(&t, m)["Type"], "AWS::IAM::ManagedPolicy", "{id}: {m}");
        }
        allow.extend(inline.into_iter().map(|s| (id.clone(), s)));
    }
    for (owner, s) in &allow {
        assert_eq!(s["Effect"], "Allow", "{owner}");
        for a in actions(s) {
            assert!(!a.contains('*'), "{owner}: wildcard action {a}");
        }
    }
    let writes = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
    for name in READ_ONLY {
        let id = logical_id(name);
        let (managed, inline) = policies(&id, functions[&id]);
        assert!(!managed.contains(&"TableWritePolicy"), "{id} only reads the table");
        for s in inline {
            if actions(s).iter().any(|a| writes.contains(&a.as_str())) {
                let narrowed = ["ForAllValues:StringEquals", "ForAllValues:StringLike"]
                    .iter()
                    .any(|op| s["Condition"].get(*op).is_some_and(|c| c.get("dynamodb:LeadingKeys").is_some()));
                assert!(
                    narrowed,
                    "{id}: a write of a read-only function is narrowed to named partitions (LeadingKeys)"
                );
            }
        }
    }
}

/// Matches a concrete path against a route pattern, returning the path parameters.
fn match_route(pattern: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let (p, c): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    if p.len() != c.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    for (p, c) in p.iter().zip(&c) {
        match p.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) if !c.is_empty() => {
                params.insert(name.to_string(), c.to_string());
            }
            _ if p == c => {}
            _ => return None,
        }
    }
    Some(params)
}

fn fixture(name: &str) -> Json {
    let path = root().join("infra/events").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_event_fixtures_are_requests_to_routes_of_their_function() {
    let table = route_table();
    for function in http_functions() {
        let e = fixture(&function);
        assert_eq!(e["version"], "2.0", "{function}: payload format 2.0");
        let route_key = e["routeKey"].as_str().unwrap_or_else(|| panic!("{function}: routeKey"));
        let (method, pattern) = route_key.split_once(' ').unwrap_or_else(|| panic!("{function}: routeKey {route_key}"));
        assert!(
            table.contains(&(method.to_string(), pattern.to_string(), function.clone())),
            "{function}.json: {route_key} is not a route of {function}"
        );
        let ctx = &e["requestContext"];
        assert_eq!(ctx["routeKey"], route_key, "{function}");
        assert_eq!(ctx["http"]["method"], method, "{function}");
        assert_eq!(ctx["http"]["path"], e["rawPath"], "{function}");
        let raw_path = e["rawPath"].as_str().expect("rawPath");
        let params =
            match_route(pattern, raw_path).unwrap_or_else(|| panic!("{function}: {raw_path} does not match {pattern}"));
        let declared: BTreeMap<String, String> = e
            .get("pathParameters")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        assert_eq!(declared, params, "{function}: pathParameters");
        let raw_query = e["rawQueryString"].as_str().unwrap_or_default();
        for key in e
            .get("queryStringParameters")
            .and_then(Json::as_object)
            .map(|m| m.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(
                raw_query.split('&').any(|kv| kv.split('=').next() == Some(key)),
                "{function}: {key} not in rawQueryString"
            );
        }
        if let Some(body) = e.get("body").and_then(Json::as_str) {
            assert_eq!(e["isBase64Encoded"], false, "{function}");
            serde_json::from_str::<Json>(body).unwrap_or_else(|err| panic!("{function}: body is not JSON: {err}"));
        }
    }

    let sqs = fixture("events");
    let records = sqs["Records"].as_array().expect("Records");
    assert!(!records.is_empty());
    for r in records {
        assert_eq!(r["eventSource"], "aws:sqs");
        let body: Json = serde_json::from_str(r["body"].as_str().expect("body")).expect("the body is a JSON event");
        for field in ["id", "kind", "subject", "recipient", "title", "message", "at", "queued_ms"] {
            assert!(body.get(field).is_some(), "events.json: the event lacks {field}");
        }
    }

    let schedule = fixture("outbox-relay");
    assert_eq!(schedule["detail-type"], "Scheduled Event");
    assert_eq!(schedule["source"], "aws.events");
}

#[test]
fn open_routes_are_throttled_below_the_default_and_officers_keep_their_capacity() {
    let t = template();
    let routes = route_table();
    let dev = &t["Mappings"]["Env"]["dev"];
    let (default_rate, default_burst) = (dev["ApiRateLimit"].as_f64().unwrap(), dev["ApiBurstLimit"].as_f64().unwrap());
    let settings = resource(&t, "HttpApi")["Properties"]["RouteSettings"].as_mapping().expect("RouteSettings");
    for (key, limits) in settings {
        let key = key.as_str().expect("route key");
        let (method, path) = key.split_once(' ').expect("METHOD /path");
        assert!(routes.iter().any(|(m, p, _)| m == method && p == path), "{key} is not a route of the API");
        let limit = |name: &str| limits[name].as_f64().unwrap_or_else(|| panic!("{key}: {name}"));
        assert!(limit("ThrottlingRateLimit") <= default_rate, "{key}: tighter than the default");
        assert!(limit("ThrottlingBurstLimit") <= default_burst, "{key}: tighter than the default");
    }
    for open in
        ["POST /api/v1/auth/login", "POST /api/v1/auth/register", "GET /api/v1/lookup/{code}", "POST /api/v1/feedback"]
    {
        assert!(settings.contains_key(open), "{open} has its own limit");
    }
    let officer = &resource(&t, "OfficerFunction")["Properties"];
    let reserved = serde_yaml::to_string(&officer["ReservedConcurrentExecutions"]).unwrap();
    assert!(
        reserved.contains("HasOfficerReservation") && reserved.contains("OfficerReservedConcurrency"),
        "{reserved}"
    );
    let web_acl = &resource(&t, "PortalDistribution")["Properties"]["DistributionConfig"]["WebACLId"];
    assert!(serde_yaml::to_string(web_acl).unwrap().contains("WebAclArn"), "the WAF's web ACL is attached when given");
}
