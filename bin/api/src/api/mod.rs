//! The REST API, one struct per resource.

mod archive;
mod chat;
mod invites;
mod legacies;
mod me;
mod media;
mod members;
mod search;
mod sessions;
mod stories;

use poem_openapi::{OpenApiService, Tags};

pub use archive::{ArchiveApi, IMPORT_ROUTE};
pub use chat::ChatApi;
pub use invites::InvitesApi;
pub use legacies::LegaciesApi;
pub use me::MeApi;
pub use media::MediaApi;
pub use members::MembersApi;
pub use search::SearchApi;
pub use sessions::SessionsApi;
pub use stories::StoriesApi;

/// Groups of operations in the documentation.
#[derive(Debug, Tags)]
pub enum ApiTags {
    /// The people remembered.
    Legacies,
    /// Who belongs to a legacy.
    Members,
    /// Stories and their history.
    Stories,
    /// Finding stories by what they say.
    Search,
    /// The AI companion: questions answered from the stories.
    Chat,
    /// Photos and videos: uploading, viewing, deleting.
    Media,
    /// The signed-in user.
    Me,
    /// Signing in and out.
    Sessions,
    /// Archives: downloading stories and media as files, importing them back.
    Archives,
}

/// All API structs together.
pub type AllApis = (
    LegaciesApi,
    MembersApi,
    InvitesApi,
    StoriesApi,
    SearchApi,
    ChatApi,
    MediaApi,
    MeApi,
    SessionsApi,
    ArchiveApi,
);

/// The OpenAPI service with every operation, served under `/api`.
pub fn openapi_service() -> OpenApiService<AllApis, ()> {
    OpenApiService::new(
        (
            LegaciesApi,
            MembersApi,
            InvitesApi,
            StoriesApi,
            SearchApi,
            ChatApi,
            MediaApi,
            MeApi,
            SessionsApi,
            ArchiveApi,
        ),
        "Mosaic Life",
        env!("CARGO_PKG_VERSION"),
    )
    .description("Capture and preserve stories about the people a family loves.")
    .server("/api")
}
