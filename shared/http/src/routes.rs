//! The route table: every API route with the function that owns it, who may call it, a
//! summary and the types of its body, query and answer. The router, the OpenAPI document
//! ([`crate::openapi`]) and the SAM template's HTTP events are all derived from it, so they
//! cannot drift apart.

use crate::problem::{ApiError, EdgeError};
use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use serde_json::{json, Map, Value};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Public, but a bearer token, when sent, is verified and used.
    OptionalAuth,
    Authenticated,
}

pub struct Route {
    pub method: Method,
    /// Path in OpenAPI / axum syntax: `/api/v1/dossiers/{id}`.
    pub path: &'static str,
    /// The `functions/<name>` crate (Lambda function) serving it.
    pub function: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
    /// What the OpenAPI document says of the operation's input and answer.
    pub doc: OperationDoc,
}

/// Registers a type's schema (and the schemas it refers to) among the components and
/// answers a reference to it.
pub type SchemaFn = fn(&mut Map<String, Value>) -> Value;

/// The schema of `T` as a component, with every schema it refers to. Two different types
/// with the same schema name are a bug (one would silently replace the other): it panics.
pub fn schema_ref<T: utoipa::ToSchema>(components: &mut Map<String, Value>) -> Value {
    let mut all = Vec::new();
    T::schemas(&mut all);
    all.push((T::name().to_string(), T::schema()));
    for (name, schema) in all {
        let schema = serde_json::to_value(schema).unwrap_or_default();
        match components.get(&name) {
            Some(existing) if *existing != schema => panic!("two API types are named {name}: rename one"),
            Some(_) => {}
            None => {
                components.insert(name, schema);
            }
        }
    }
    json!({"$ref": format!("#/components/schemas/{}", T::name())})
}

fn list_ref<T: utoipa::ToSchema>(components: &mut Map<String, Value>) -> Value {
    json!({"type": "array", "items": schema_ref::<T>(components)})
}

/// The answer of an operation when it succeeds.
#[derive(Default)]
pub enum Answer {
    /// JSON of a documented type, or the same in other media types (`?format=csv`).
    Json(SchemaFn, &'static [&'static str]),
    /// A document in one of these media types (forms, CSV).
    Content(&'static [&'static str]),
    /// A temporary redirection (307) to the URL in `Location`.
    Redirect,
    /// Not documented yet.
    #[default]
    Undocumented,
}

#[derive(Default)]
pub struct OperationDoc {
    /// The JSON body's schema, and whether a body is required.
    pub body: Option<(SchemaFn, bool)>,
    /// The query parameters, as the properties of one type.
    pub query: Option<SchemaFn>,
    /// 200, or 201 for what creates a resource.
    pub status: u16,
    pub answer: Answer,
}

impl Route {
    pub fn new<H, T>(
        method: Method,
        path: &'static str,
        function: &'static str,
        access: Access,
        summary: &'static str,
        handler: H,
    ) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("standard method");
        let doc = OperationDoc { status: 200, ..OperationDoc::default() };
        Route { method, path, function, summary, access, handler: on(filter, handler), doc }
    }

    /// Takes a JSON body of type `T`.
    pub fn body<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.body = Some((schema_ref::<T>, true));
        self
    }

    /// Takes an optional JSON body of type `T`.
    pub fn optional_body<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.body = Some((schema_ref::<T>, false));
        self
    }

    /// Takes the fields of `T` as query parameters.
    pub fn query<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.query = Some(schema_ref::<T>);
        self
    }

    /// Answers 200 with a `T`.
    pub fn returns<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.answer = Answer::Json(schema_ref::<T>, &[]);
        self
    }

    /// Answers 200 with a `T` as JSON, or as one of these media types.
    pub fn returns_or<T: utoipa::ToSchema>(mut self, other: &'static [&'static str]) -> Route {
        self.doc.answer = Answer::Json(schema_ref::<T>, other);
        self
    }

    /// Answers 200 with a list of `T`.
    pub fn returns_list<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.answer = Answer::Json(list_ref::<T>, &[]);
        self
    }

    /// Answers 201 with the `T` it created.
    pub fn creates<T: utoipa::ToSchema>(mut self) -> Route {
        self.doc.status = 201;
        self.returns::<T>()
    }

    /// Answers 307 to the URL in `Location` (a short-lived download link).
    pub fn redirects(mut self) -> Route {
        self.doc.status = 307;
        self.doc.answer = Answer::Redirect;
        self
    }

    /// Answers 200 with a document in one of these media types.
    pub fn returns_content(mut self, types: &'static [&'static str]) -> Route {
        self.doc.answer = Answer::Content(types);
        self
    }
}

/// The answer to a path no route serves (problem+json 404).
pub async fn route_not_found() -> ApiError {
    EdgeError::RouteNotFound.into()
}

async fn method_not_allowed() -> ApiError {
    EdgeError::MethodNotAllowed.into()
}

/// The router of a set of routes; a known path with another method answers problem+json
/// 405. The caller sets the fallback for unknown paths ([`route_not_found`]).
pub fn router(routes: Vec<Route>) -> Router<AppState> {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for r in routes {
        // The handler's work is its function's (motcua_core::serving).
        let function = r.function;
        let handler = r.handler.layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                motcua_core::serving::scope(function, next.run(request))
            },
        ));
        match by_path.iter_mut().find(|(path, _)| *path == r.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(handler),
            None => by_path.push((r.path, handler)),
        }
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| router.route(path, methods.fallback(method_not_allowed)))
}

/// A route that takes one action on a dossier (`POST`, an optional JSON body of the action's
/// own type, `If-Match`), answering the dossier as the caller sees it afterwards.
pub fn dossier_action<I>(
    path: &'static str,
    function: &'static str,
    summary: &'static str,
    request: fn(I) -> motcua_core::actions::Request,
) -> Route
where
    I: serde::de::DeserializeOwned + Default + Send + utoipa::ToSchema + 'static,
{
    use crate::extract::{ApiPath, Authenticated, IfMatch, OptionalJson};
    use axum::extract::State;
    let handler = move |State(s): State<AppState>,
                        Authenticated(c): Authenticated,
                        ApiPath(id): ApiPath<String>,
                        IfMatch(v): IfMatch,
                        OptionalJson(input): OptionalJson<I>| async move {
        Ok::<_, ApiError>(axum::Json(motcua_core::actions::act(&s, &c, &id, request(input), v).await?))
    };
    Route::new(Method::POST, path, function, Access::Authenticated, summary, handler)
        .optional_body::<I>()
        .returns::<motcua_domain::views::DossierView>()
}
