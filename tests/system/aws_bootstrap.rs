//! A new AWS deployment from nothing: the functions' environment, secrets read from SSM
//! Parameter Store, then `motcua-bootstrap`'s work (catalogue and first administrator) — on
//! moto. Runs in `tests/run.sh` through `tests/moto.sh` with `--include-ignored`.

use crate::common::*;
use motcua_core::auth::JwtKeys;

#[tokio::test]
#[ignore = "needs the AWS backend on moto: tests/run.sh runs it through tests/moto.sh"]
async fn a_new_stack_reads_its_secrets_from_ssm_and_bootstraps_its_catalogue_and_administrator() {
    let endpoint = aws_endpoint().expect("MOTCUA_TEST_BACKEND=aws");
    let suffix = uuid::Uuid::new_v4().simple().to_string()[..10].to_string();
    let name = format!("motcua-boot-{suffix}");
    let clients = motcua_aws::clients(Some(&endpoint), None).await;
    motcua_aws::create_table(&clients.dynamodb, &name).await.unwrap();
    motcua_aws::create_bucket(&clients.s3, &name).await.unwrap();
    let queue = clients.sqs.create_queue().queue_name(&name).send().await.unwrap();

    // The operator's parameters: two signing keys (rotation), their public halves and the pepper.
    let ssm = aws_sdk_ssm::Client::new(
        &aws_config::defaults(aws_config::BehaviorVersion::latest()).endpoint_url(&endpoint).load().await,
    );
    let (new_key, old_key) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
    let put = |param: String, value: String| {
        let ssm = ssm.clone();
        async move {
            ssm.put_parameter()
                .name(param)
                .value(value)
                .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
                .send()
                .await
                .unwrap();
        }
    };
    put(format!("/{name}/jwt"), format!("{new_key}\n{old_key}")).await;
    let public = |k: &str| JwtKeys::public_pem(k).unwrap();
    put(format!("/{name}/jwt-public"), format!("{}\n{}", public(&new_key), public(&old_key))).await;
    put(format!("/{name}/jwt-public-stale"), public(&old_key)).await;
    put(format!("/{name}/pepper"), "hạt-tiêu-bí-mật".into()).await;

    let vars = [
        ("MOTCUA_TABLE", name.clone()),
        ("MOTCUA_BUCKET", name.clone()),
        ("MOTCUA_EVENTS_QUEUE_URL", queue.queue_url().unwrap().to_string()),
        ("MOTCUA_ISSUER", "https://dichvucong.thanhhoa.example.vn".into()),
        ("MOTCUA_JWT_KEYS_PARAM", format!("/{name}/jwt")),
        ("MOTCUA_JWT_PUBLIC_KEYS_PARAM", format!("/{name}/jwt-public")),
        ("MOTCUA_LOOKUP_PEPPER_PARAM", format!("/{name}/pepper")),
        ("AWS_ENDPOINT_URL", endpoint.clone()),
    ];
    let env = motcua_lambda::Env::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let services = motcua_lambda::services(&env, &clients).await.unwrap();
    // Every other function gets only the public keys; a signer whose public parameter was not
    // updated with its keys does not start.
    let verifier = motcua_lambda::Env { jwt_keys_param: None, ..env.clone() };
    let verifier = motcua_lambda::services(&verifier, &clients).await.unwrap();
    let stale = motcua_lambda::Env { jwt_public_keys_param: format!("/{name}/jwt-public-stale"), ..env.clone() };
    let refused = motcua_lambda::services(&stale, &clients).await.err().expect("mismatched keys refused");
    assert!(refused.to_string().contains("MOTCUA_JWT_PUBLIC_KEYS_PARAM"), "{refused}");
    let missing = motcua_lambda::Env { lookup_pepper_param: format!("/{name}/none"), ..env.clone() };
    let refused = motcua_lambda::services(&missing, &clients).await.err().expect("a missing parameter is named");
    assert!(refused.to_string().contains(&format!("/{name}/none")), "{refused}");
    // Tokens signed by the previous key still verify; new ones use the first key.
    let jwks = services.keys.jwks();
    assert_eq!(jwks.keys.len(), 2);

    // What motcua-bootstrap does, twice (idempotent).
    let published = motcua::seed::load_catalogue(&services).await.unwrap();
    assert!(published >= 12, "{published}");
    assert_eq!(motcua::seed::load_catalogue(&services).await.unwrap(), 0, "unchanged procedures are not republished");
    assert!(motcua::seed::create_admin(&services, "quantri.tinh", "Mật-khẩu-đủ-dài-2026", "Quản trị tỉnh")
        .await
        .unwrap());
    assert!(!motcua::seed::create_admin(&services, "quantri.tinh", "khác-hẳn-2026", "Khác").await.unwrap());
    let token = motcua_core::users::login(&services, "quantri.tinh", "Mật-khẩu-đủ-dài-2026", None).await.unwrap();
    assert_eq!(token.role, motcua_domain::roles::Role::SystemAdmin);
    let caller = motcua_core::users::authenticate(&verifier, &token.access_token).await.unwrap();
    assert_eq!(caller.role, motcua_domain::roles::Role::SystemAdmin);
    assert_eq!(verifier.keys.jwks().keys.len(), 2);
    assert!(motcua_core::users::login(&verifier, "quantri.tinh", "Mật-khẩu-đủ-dài-2026", None).await.is_err());
}
