//! Who is calling: the account id and caller ARN (sts:GetCallerIdentity).

use aws_config::SdkConfig;

use super::errors::classify;
use crate::model::Account;

pub async fn caller_account(config: &SdkConfig) -> Account {
    let client = aws_sdk_sts::Client::new(config);
    match client.get_caller_identity().send().await {
        Ok(out) => Account {
            id: out.account().map(str::to_owned),
            caller_arn: out.arn().map(str::to_owned),
            error: None,
        },
        Err(err) => Account {
            id: None,
            caller_arn: None,
            error: Some(classify("sts:GetCallerIdentity", &err)),
        },
    }
}
