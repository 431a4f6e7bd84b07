//! `SqsQueue`: the `Queue` port on SQS standard queues.
//!
//! A port queue name maps to the SQS queue `<prefix><name>` whose URL is looked up once
//! (`GetQueueUrl`) and cached. Its dead-letter queue is `<prefix><name>-dlq`, wired by the
//! queue's RedrivePolicy: in production both come from the SAM template; with
//! [`SqsOptions::create_missing`] (tests, local development) they are created on first use.
//!
//! SDK errors become [`QueueError`]s in one place (`sqs_error`).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::config::http::HttpResponse;
use aws_sdk_sqs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName, SendMessageBatchRequestEntry};
use aws_sdk_sqs::Client;
use motcua_ports::{Message, Queue, QueueError};

use motcua_ports::queue::validate::{check_name, MAX_BATCH};
/// SQS caps the visibility timeout at 12 hours.
const MAX_VISIBILITY_SECS: u64 = 12 * 3600;
/// Dead letters are kept as long as SQS allows (14 days), for operators to inspect.
const DLQ_RETENTION_SECS: &str = "1209600";
const DLQ_SUFFIX: &str = "-dlq";

/// How port queue names map onto SQS queues.
#[derive(Debug, Clone)]
pub struct SqsOptions {
    /// Prepended to every queue name (e.g. the stack name); empty by default.
    pub prefix: String,
    /// Create missing queues, each `<name>` with a RedrivePolicy to a created `<name>-dlq`.
    /// For tests and local development; off by default.
    pub create_missing: bool,
    /// `maxReceiveCount` of the RedrivePolicy of created queues (default 5).
    pub max_receives: u32,
}

impl Default for SqsOptions {
    fn default() -> Self {
        SqsOptions { prefix: String::new(), create_missing: false, max_receives: 5 }
    }
}

/// The `Queue` port on SQS.
#[derive(Debug)]
pub struct SqsQueue {
    client: Client,
    options: SqsOptions,
    urls: RwLock<HashMap<String, String>>,
}

impl SqsQueue {
    pub fn new(client: Client, options: SqsOptions) -> SqsQueue {
        SqsQueue { client, options, urls: RwLock::new(HashMap::new()) }
    }

    /// Maps a port queue name to a known URL (as the SAM template passes it), saving the
    /// `GetQueueUrl` call.
    pub fn with_queue_url(self, queue: &str, url: &str) -> SqsQueue {
        if let Ok(mut urls) = self.urls.write() {
            urls.insert(queue.to_string(), url.to_string());
        }
        self
    }

    /// The URL of a port queue, looked up (or created) on first use.
    async fn url(&self, queue: &str) -> Result<String, QueueError> {
        if let Some(url) = self.urls.read().ok().and_then(|urls| urls.get(queue).cloned()) {
            return Ok(url);
        }
        let name = format!("{}{queue}", self.options.prefix);
        check_name(&name)?;
        let url = match self.client.get_queue_url().queue_name(&name).send().await {
            Ok(output) => output.queue_url().map(str::to_string),
            Err(error) => match sqs_error(queue, error) {
                QueueError::UnknownQueue(_) if self.options.create_missing => Some(self.create(&name).await?),
                other => return Err(other),
            },
        };
        let url = url.ok_or_else(|| QueueError::Backend(format!("SQS returned no URL for {name}")))?;
        if let Ok(mut urls) = self.urls.write() {
            urls.insert(queue.to_string(), url.clone());
        }
        Ok(url)
    }

    /// Creates `name` (and its dead-letter queue); SQS makes this idempotent.
    async fn create(&self, name: &str) -> Result<String, QueueError> {
        if name.ends_with(DLQ_SUFFIX) {
            return self
                .create_queue(name, vec![(QueueAttributeName::MessageRetentionPeriod, DLQ_RETENTION_SECS.into())])
                .await;
        }
        let dlq_name = format!("{name}{DLQ_SUFFIX}");
        check_name(&dlq_name)?;
        let dlq = self
            .create_queue(&dlq_name, vec![(QueueAttributeName::MessageRetentionPeriod, DLQ_RETENTION_SECS.into())])
            .await?;
        let attributes = self
            .client
            .get_queue_attributes()
            .queue_url(&dlq)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| sqs_error(&dlq_name, e))?;
        let arn = attributes
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::QueueArn))
            .ok_or_else(|| QueueError::Backend(format!("SQS returned no ARN for {dlq_name}")))?;
        let redrive = serde_json::json!({
            "deadLetterTargetArn": arn,
            "maxReceiveCount": self.options.max_receives.to_string(),
        });
        self.create_queue(name, vec![(QueueAttributeName::RedrivePolicy, redrive.to_string())]).await
    }

    async fn create_queue(
        &self,
        name: &str,
        attributes: Vec<(QueueAttributeName, String)>,
    ) -> Result<String, QueueError> {
        let output = self
            .client
            .create_queue()
            .queue_name(name)
            .set_attributes(Some(attributes.into_iter().collect()))
            .send()
            .await
            .map_err(|e| sqs_error(name, e))?;
        output
            .queue_url()
            .map(str::to_string)
            .ok_or_else(|| QueueError::Backend(format!("SQS returned no URL for {name}")))
    }

    /// Forgets a cached URL once SQS says the queue is gone.
    fn forget(&self, queue: &str, error: QueueError) -> QueueError {
        if matches!(error, QueueError::UnknownQueue(_)) {
            if let Ok(mut urls) = self.urls.write() {
                urls.remove(queue);
            }
        }
        error
    }
}

#[async_trait]
impl Queue for SqsQueue {
    async fn send(&self, queue: &str, bodies: Vec<String>) -> Result<(), QueueError> {
        motcua_ports::queue::validate::check_batch(&bodies)?;
        if bodies.is_empty() {
            return Ok(());
        }
        let url = self.url(queue).await?;
        let entries = bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| SendMessageBatchRequestEntry::builder().id(i.to_string()).message_body(body).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| QueueError::Invalid(format!("message cannot be built: {e}")))?;
        let count = entries.len();
        let output = self
            .client
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| self.forget(queue, sqs_error(queue, e)))?;
        let failed = output.failed();
        if failed.is_empty() {
            return Ok(());
        }
        // Some messages may have been sent: the caller's retry resends them (at least once).
        let reasons: Vec<String> = failed.iter().map(|f| format!("#{} {}", f.id(), f.code())).collect();
        Err(QueueError::Backend(format!(
            "{} of {count} messages not sent to {queue}: {}",
            failed.len(),
            reasons.join(", ")
        )))
    }

    async fn receive(&self, queue: &str, max: usize, visibility: Duration) -> Result<Vec<Message>, QueueError> {
        if !(1..=MAX_BATCH).contains(&max) {
            return Err(QueueError::Invalid(format!("receive takes 1 to {MAX_BATCH} messages")));
        }
        let url = self.url(queue).await?;
        // Whole seconds, rounded up so that a message is never visible earlier than asked.
        let seconds = visibility.as_millis().div_ceil(1000).min(u128::from(MAX_VISIBILITY_SECS));
        let output = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max as i32)
            .visibility_timeout(i32::try_from(seconds).unwrap_or(i32::MAX))
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| self.forget(queue, sqs_error(queue, e)))?;
        output
            .messages()
            .iter()
            .map(|message| {
                let receive_count = message
                    .attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                match (message.message_id(), message.receipt_handle()) {
                    (Some(id), Some(receipt)) => Ok(Message {
                        id: id.to_string(),
                        receipt: receipt.to_string(),
                        body: message.body().unwrap_or_default().to_string(),
                        receive_count,
                    }),
                    _ => Err(QueueError::Backend(format!("SQS returned a message without id or receipt from {queue}"))),
                }
            })
            .collect()
    }

    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        let url = self.url(queue).await?;
        self.client
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt)
            .send()
            .await
            .map(drop)
            .map_err(|e| self.forget(queue, sqs_error(queue, e)))
    }

    async fn release(&self, queue: &str, receipt: &str) -> Result<(), QueueError> {
        let url = self.url(queue).await?;
        self.client
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(receipt)
            .visibility_timeout(0)
            .send()
            .await
            .map(drop)
            .map_err(|e| self.forget(queue, sqs_error(queue, e)))
    }

    async fn depth(&self, queue: &str) -> Result<usize, QueueError> {
        let url = self.url(queue).await?;
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .map_err(|e| self.forget(queue, sqs_error(queue, e)))?;
        let count = |name: &QueueAttributeName| {
            output.attributes().and_then(|a| a.get(name)).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0)
        };
        Ok(count(&QueueAttributeName::ApproximateNumberOfMessages)
            + count(&QueueAttributeName::ApproximateNumberOfMessagesNotVisible))
    }
}

/// Maps an error of any SQS operation. SQS reports codes either bare (`QueueDoesNotExist`) or
/// in their query-protocol form (`AWS.SimpleQueueService.NonExistentQueue`).
fn sqs_error<E>(queue: &str, error: SdkError<E, HttpResponse>) -> QueueError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(|c| c.trim_start_matches("AWS.SimpleQueueService."));
    match code {
        Some("NonExistentQueue" | "QueueDoesNotExist") => QueueError::UnknownQueue(queue.to_string()),
        Some(
            "ReceiptHandleIsInvalid"
            | "MessageNotInflight"
            | "InvalidParameterValue"
            | "InvalidParameterValueException"
            | "InvalidMessageContents"
            | "BatchRequestTooLong"
            | "TooManyEntriesInBatchRequest"
            | "EmptyBatchRequest"
            | "InvalidAttributeValue",
        ) => QueueError::Invalid(error.message().unwrap_or("invalid request").to_string()),
        _ => QueueError::Backend(DisplayErrorContext(&error).to_string()),
    }
}
