//! Function `meta`: the OpenAPI document and the health check (the route table itself lives
//! in `motcua-routes`, shared by every runtime).

pub use motcua_routes::meta_routes as routes;
