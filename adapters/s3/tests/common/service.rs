//! The media use cases of `MosaicService` over a real store: the service's
//! own presign → upload → register → download → delete, with the
//! repositories mocked (they are not what is under test here) and the
//! bytes going through the store for real.

use std::sync::{Arc, Mutex};

use mosaic_domain::{
    Legacy, LegacyId, LegacyName, LifeDates, MediaRecord, Membership, Role, UploadRequest, UserId,
    ValidationError,
};
use mosaic_ports::{
    MockLegacyRepo, MockMediaRepo, MockMembershipRepo, MockSessionRepo, MockStoryRepo,
    MockStorySearch, MockUserRepo, MosaicService, ObjectStorage, Ports, RandomIds, RepoError,
    ServiceError, ServiceSettings, SystemClock,
};
use uuid::Uuid;

use super::{PNG, Transport};

/// A service in which `uploader` is an editor of every legacy, with a media
/// repository that remembers the one record registered.
fn service(storage: Arc<dyn ObjectStorage>, uploader: UserId) -> MosaicService {
    let now = time::OffsetDateTime::now_utc();
    let mut legacies = MockLegacyRepo::new();
    legacies.expect_get_legacy().returning(move |id| {
        Ok(Legacy {
            id,
            name: LegacyName::new("Jane Doe").unwrap(),
            dates: LifeDates::new(None, None).unwrap(),
            biography: None,
            created_by: uploader,
            created_at: now,
            updated_at: now,
        })
    });
    let mut memberships = MockMembershipRepo::new();
    memberships
        .expect_get_membership()
        .returning(move |legacy_id, user| {
            Ok((user == uploader).then_some(Membership {
                legacy_id,
                user_id: user,
                role: Role::Editor,
                joined_at: now,
            }))
        });
    let stored: Arc<Mutex<Option<MediaRecord>>> = Arc::default();
    let mut media = MockMediaRepo::new();
    media.expect_media_bytes_of_user().returning(|_| Ok(0));
    let for_get = stored.clone();
    media
        .expect_get_media()
        .returning(move |id| match for_get.lock().unwrap().as_ref() {
            Some(record) if record.id == id => Ok(record.clone()),
            _ => Err(RepoError::NotFound),
        });
    let for_create = stored.clone();
    media.expect_create_media().returning(move |record| {
        *for_create.lock().unwrap() = Some(record.clone());
        Ok(())
    });
    media
        .expect_delete_media()
        .returning(move |_| stored.lock().unwrap().take().ok_or(RepoError::NotFound));
    MosaicService::new(
        Ports {
            users: Arc::new(MockUserRepo::new()),
            legacies: Arc::new(legacies),
            memberships: Arc::new(memberships),
            stories: Arc::new(MockStoryRepo::new()),
            media: Arc::new(media),
            search: Arc::new(MockStorySearch::new()),
            sessions: Arc::new(MockSessionRepo::new()),
            storage,
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
        },
        ServiceSettings::default(),
    )
}

fn ids() -> (LegacyId, UserId) {
    (
        LegacyId::from_uuid(Uuid::now_v7()),
        UserId::from_uuid(Uuid::now_v7()),
    )
}

/// request_upload → the browser's PUT → register_media → media_download →
/// GET → delete_media, through the service.
pub async fn service_uploads_registers_downloads_and_deletes(
    storage: Arc<dyn ObjectStorage>,
    transport: &dyn Transport,
) {
    let (legacy, bob) = ids();
    let service = service(storage.clone(), bob);
    let upload = UploadRequest::new("garden.png", "image/png", PNG.len() as u64).unwrap();

    let ticket = service.request_upload(bob, legacy, &upload).await.unwrap();
    transport
        .upload(&ticket.upload, "image/png", PNG.to_vec())
        .await
        .expect("the browser's upload is accepted");
    let record = service
        .register_media(bob, legacy, ticket.media_id, upload)
        .await
        .expect("the uploaded file passes the size and magic-number checks")
        .record;
    assert_eq!(record.size_bytes, PNG.len() as u64);

    let (_, download) = service
        .media_download(Some(bob), ticket.media_id)
        .await
        .unwrap();
    let got = transport.download(&download).await.unwrap();
    assert_eq!(got.bytes, PNG);

    service.delete_media(bob, ticket.media_id).await.unwrap();
    assert_eq!(storage.head(&record.storage_key).await.unwrap(), None);
}

/// A file with the signed type and size whose bytes are not that type gets
/// past the store, but registration refuses it and removes it.
pub async fn service_refuses_and_removes_a_file_that_is_not_its_type(
    storage: Arc<dyn ObjectStorage>,
    transport: &dyn Transport,
) {
    let (legacy, bob) = ids();
    let service = service(storage.clone(), bob);
    let html = format!("<html><script>alert(1)</script>{}</html>", " ".repeat(40));
    let upload = UploadRequest::new("garden.png", "image/png", html.len() as u64).unwrap();

    let ticket = service.request_upload(bob, legacy, &upload).await.unwrap();
    transport
        .upload(&ticket.upload, "image/png", html.into_bytes())
        .await
        .expect("type and size match what was signed");
    let refused = service
        .register_media(bob, legacy, ticket.media_id, upload)
        .await;
    assert!(
        matches!(
            refused,
            Err(ServiceError::Invalid(ValidationError::Upload(_)))
        ),
        "{refused:?}"
    );
    let key = mosaic_ports::media_storage_key(legacy, ticket.media_id);
    assert_eq!(
        storage.head(&key).await.unwrap(),
        None,
        "the file was removed"
    );
}
