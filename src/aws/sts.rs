//! Who is calling: the account id and caller ARN (sts:GetCallerIdentity).

use aws_config::SdkConfig;

use super::retry::{self, Pacer, RetryPolicy, RetryStats};
use crate::model::Account;

pub async fn caller_account(config: &SdkConfig) -> Account {
    let client = aws_sdk_sts::Client::new(config);
    let policy = RetryPolicy::from_sdk(
        client.config().retry_config(),
        client.config().timeout_config(),
    );
    let mut stats = RetryStats::default();
    let identity = retry::call(
        "sts:GetCallerIdentity",
        &policy,
        &Pacer::none(),
        &mut stats,
        || {
            client
                .get_caller_identity()
                .customize()
                .config_override(crate::no_sdk_retries!(aws_sdk_sts))
                .send()
        },
    )
    .await;
    match identity {
        Ok(out) => Account {
            id: out.account().map(str::to_owned),
            caller_arn: out.arn().map(str::to_owned),
            error: None,
        },
        Err(error) => Account {
            id: None,
            caller_arn: None,
            error: Some(error),
        },
    }
}
