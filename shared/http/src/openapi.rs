//! The OpenAPI 3.1 document of a route table: every operation with its parameters, its body
//! and its answer as schemas generated from the Rust types (utoipa), and every error as
//! `application/problem+json` with its stable `code`.

use crate::routes::{Access, Answer, Route};
use serde_json::{json, Map, Value};

/// The schema of a path parameter, by its name (one convention for the whole API).
fn path_parameter(name: &str) -> Value {
    let schema = match name {
        "year" => json!({"type": "integer", "minimum": 1901, "maximum": 2199}),
        "form" => json!({"type": "string", "enum": ["01", "02", "03", "04", "05"]}),
        _ => json!({"type": "string", "minLength": 1}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

/// Query parameters: the properties of the query type, each one parameter.
fn query_parameters(schema: &Value, components: &Map<String, Value>) -> Vec<Value> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => components.get(r.trim_start_matches("#/components/schemas/")).cloned().unwrap_or_default(),
        None => schema.clone(),
    };
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return vec![] };
    properties
        .iter()
        .map(|(name, property)| {
            let mut p = json!({"name": name, "in": "query", "required": required.contains(&name.as_str()),
                "schema": property});
            if let Some(d) = property.get("description") {
                p["description"] = d.clone();
            }
            p
        })
        .collect()
}

/// The errors every operation may answer, with what each means.
fn errors(access: Access) -> Map<String, Value> {
    let problem = json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    let mut statuses = vec![
        ("400", "Yêu cầu không hợp lệ (JSON, tham số, tiêu đề)"),
        ("403", "Không có quyền, hoặc vai trò không được thực hiện thao tác"),
        ("404", "Không tìm thấy, hoặc không được xem"),
        ("409", "Xung đột: trạng thái không cho phép, quy tắc nghiệp vụ, người khác vừa cập nhật"),
        ("412", "Phiên bản không khớp (If-Match)"),
        ("413", "Dữ liệu quá lớn"),
        ("415", "Kiểu nội dung không được hỗ trợ"),
        ("422", "Dữ liệu không hợp lệ: danh sách lỗi theo trường"),
        ("4XX", "Lỗi khác của yêu cầu"),
        ("5XX", "Lỗi hệ thống (không kèm chi tiết nội bộ)"),
    ];
    if access != Access::Public {
        statuses.insert(1, ("401", "Chưa xác thực hoặc mã truy cập không hợp lệ"));
    }
    statuses
        .into_iter()
        .map(|(status, description)| (status.to_string(), json!({"description": description, "content": problem})))
        .collect()
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "Lỗi theo RFC 9457. `code` ổn định cho máy (ví dụ `validation_failed`, `not_found`, `invalid_transition`, `action_not_allowed_for_role`, `conflict`, `precondition_failed`, `unauthenticated`, `forbidden`, `route_not_found`, `invalid_body`, `invalid_query`); `title`, `detail` bằng tiếng Việt cho người đọc.",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    })
}

/// A type flattened into another (`allOf`) cannot forbid other properties: the properties of
/// the type it is flattened into would all be "additional" to it.
fn allow_flattened_extension(components: &mut Map<String, Value>) {
    let flattened: Vec<String> = components
        .values()
        .filter_map(|s| s["allOf"].as_array())
        .flatten()
        .filter_map(|part| part["$ref"].as_str())
        .map(|r| r.trim_start_matches("#/components/schemas/").to_string())
        .collect();
    for name in flattened {
        if let Some(schema) = components.get_mut(&name).and_then(Value::as_object_mut) {
            schema.remove("additionalProperties");
        }
    }
}

/// The OpenAPI 3.1 document of the routes.
pub fn document(routes: &[Route], version: &str) -> Value {
    let mut components = Map::new();
    components.insert("Problem".into(), problem_schema());
    crate::routes::schema_ref::<motcua_domain::error::FieldError>(&mut components);
    let mut paths = Map::new();
    for r in routes {
        let op_id = format!(
            "{}_{}",
            r.method.as_str().to_lowercase(),
            r.path.trim_start_matches("/api/v1/").replace(['/', '{', '}', '.', '-'], "_")
        );
        let mut parameters: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(path_parameter)
            .collect();
        if let Some(query) = r.doc.query {
            let schema = query(&mut components);
            parameters.extend(query_parameters(&schema, &components));
        }
        let success = match &r.doc.answer {
            Answer::Json(schema, other) => {
                let mut content = Map::new();
                content.insert("application/json".into(), json!({"schema": schema(&mut components)}));
                for t in *other {
                    content.insert(t.to_string(), json!({"schema": {"type": "string"}}));
                }
                json!({"description": "Thành công", "content": content})
            }
            Answer::Content(types) => json!({"description": "Thành công",
                "content": types.iter().map(|t| (t.to_string(), json!({"schema": {"type": "string"}}))).collect::<Map<_, _>>()}),
            Answer::Redirect => json!({"description": "Chuyển tới địa chỉ trong tiêu đề Location",
                "headers": {"Location": {"description": "Liên kết tải tệp có thời hạn ngắn", "schema": {"type": "string"}}}}),
            Answer::Undocumented => json!({"description": "Thành công",
                "content": {"application/json": {"schema": {}}}}),
        };
        let mut responses = errors(r.access);
        responses.insert(r.doc.status.to_string(), success);
        let mut op = json!({
            "operationId": op_id,
            "summary": r.summary,
            "tags": [r.function],
            "parameters": parameters,
            "responses": responses,
        });
        op["security"] = match r.access {
            Access::Authenticated => json!([{"bearer": []}]),
            Access::OptionalAuth => json!([{}, {"bearer": []}]),
            Access::Public => json!([]),
        };
        if let Some((schema, required)) = r.doc.body {
            op["requestBody"] = json!({"required": required,
                "content": {"application/json": {"schema": schema(&mut components)}}});
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_lowercase()] = op;
    }
    allow_flattened_extension(&mut components);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "MotCua API — Cổng Dịch vụ công và Hệ thống thông tin một cửa điện tử",
            "version": version,
            "description": "API cho cổng dịch vụ công, cán bộ một cửa và hệ thống của các cơ quan (Thông tư 22/2019/TT-BTTTT). Lỗi trả về dạng application/problem+json (RFC 9457) với mã `code` ổn định.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "schemas": components,
        },
    })
}
