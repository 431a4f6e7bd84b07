//! An adapter of the [`Notifier`] port that sends email with Amazon SES (API v2 `SendEmail`,
//! plain-text UTF-8): the AWS runtime's email channel. The sender (`MOTCUA_SES_FROM`) must be
//! an identity verified in SES — the whole domain, or the address itself; SES refuses the rest
//! and the events queue retries. Other channels are left to the next notifier.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use motcua_ports::{Channel, Notifier, OutboundMessage};

pub struct SesNotifier {
    client: aws_sdk_sesv2::Client,
    from: String,
}

impl SesNotifier {
    /// `from` as a mailbox, e.g. `Cổng Dịch vụ công <khongtraloi@dichvucong.thanhhoa.gov.vn>`.
    pub fn new(config: &aws_config::SdkConfig, from: &str) -> SesNotifier {
        SesNotifier { client: aws_sdk_sesv2::Client::new(config), from: encoded_mailbox(from) }
    }
}

/// A mailbox whose display name is not ASCII, with the name as a MIME encoded word, as SES
/// requires (`=?utf-8?B?…?= <address>`); others as they are.
fn encoded_mailbox(mailbox: &str) -> String {
    use base64::Engine;
    match mailbox.rsplit_once('<') {
        Some((name, address)) if !name.is_ascii() => {
            let name = base64::engine::general_purpose::STANDARD.encode(name.trim().trim_matches('"'));
            format!("=?utf-8?B?{name}?= <{address}")
        }
        _ => mailbox.trim().to_string(),
    }
}

fn utf8(text: &str) -> Result<Content, String> {
    Content::builder().data(text).charset("UTF-8").build().map_err(|e| e.to_string())
}

#[async_trait::async_trait]
impl Notifier for SesNotifier {
    async fn deliver(&self, m: &OutboundMessage) -> Result<Option<String>, String> {
        if m.channel != Channel::Email {
            return Ok(None);
        }
        let message = Message::builder().subject(utf8(&m.subject)?).body(Body::builder().text(utf8(&m.body)?).build());
        let sent = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&m.to).build())
            .content(EmailContent::builder().simple(message.build()).build())
            .send()
            .await
            .map_err(|e| format!("SES: {}", aws_sdk_sesv2::error::DisplayErrorContext(&e)))?;
        Ok(Some(format!("ses {}", sent.message_id().unwrap_or_default())))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_vietnamese_sender_name_is_sent_as_an_encoded_word() {
        assert_eq!(
            super::encoded_mailbox("Cổng Dịch vụ công <khongtraloi@example.vn>"),
            "=?utf-8?B?Q+G7lW5nIEThu4tjaCB24bulIGPDtG5n?= <khongtraloi@example.vn>"
        );
        assert_eq!(super::encoded_mailbox("Cong DVC <a@example.vn>"), "Cong DVC <a@example.vn>");
        assert_eq!(super::encoded_mailbox("a@example.vn"), "a@example.vn");
    }
}
