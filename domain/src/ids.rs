//! Typed identifiers. Every entity has its own id type so that a story id can
//! never be passed where a legacy id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID (for example one read from storage).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a [`User`](crate::User).
    UserId
);
id_type!(
    /// Identifies a [`Legacy`](crate::Legacy).
    LegacyId
);
id_type!(
    /// Identifies a [`Story`](crate::Story).
    StoryId
);
id_type!(
    /// Identifies one stored earlier version of a story.
    RevisionId
);
id_type!(
    /// Identifies a [`MediaRecord`](crate::MediaRecord).
    MediaId
);
id_type!(
    /// Identifies a [`Session`](crate::Session) (not its secret token).
    SessionId
);
id_type!(
    /// Identifies a [`Conversation`](crate::Conversation) with the AI companion.
    ConversationId
);
id_type!(
    /// Identifies one [`ChatMessage`](crate::ChatMessage) of a conversation.
    ChatMessageId
);
id_type!(
    /// Identifies an [`Invite`](crate::Invite) link to a legacy.
    InviteId
);
