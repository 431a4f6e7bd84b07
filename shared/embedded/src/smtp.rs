//! An adapter of the [`Notifier`] port that sends email through an SMTP relay (the
//! deployment's mail server, typically on the same host or network: plain SMTP, as such relays
//! accept from their own hosts). Phone messages are left to the Zalo and SMS-gateway adapters
//! (`motcua_connectors`).

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use motcua_ports::{Channel, Notifier, OutboundMessage};

pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpNotifier {
    /// `relay` is `host:port` (port 25 when absent); `from` the sender, e.g.
    /// `Cổng Dịch vụ công <khongtraloi@dichvucong.example.vn>`.
    pub fn new(relay: &str, from: &str) -> Result<Self, String> {
        let (host, port) = match relay.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("cổng SMTP không hợp lệ: {p}"))?),
            None => (relay, 25),
        };
        let from = from.parse::<Mailbox>().map_err(|e| format!("địa chỉ gửi không hợp lệ: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        Ok(SmtpNotifier { transport, from })
    }
}

#[async_trait::async_trait]
impl Notifier for SmtpNotifier {
    async fn deliver(&self, m: &OutboundMessage) -> Result<Option<String>, String> {
        if m.channel != Channel::Email {
            return Ok(None);
        }
        let to = m.to.parse::<Mailbox>().map_err(|e| format!("địa chỉ nhận không hợp lệ: {e}"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(email).await.map(|_| Some("smtp".to_string())).map_err(|e| e.to_string())
    }
}
