use mosaic_domain::{LegacyId, SearchPageRequest, StoryQuery, UserId};
use mosaic_ports::SearchFilters;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use time::{Date, Duration, Time};
use uuid::Uuid;

use super::ApiTags;
use crate::auth::MaybeSignedIn;
use crate::dto::{IsoDate, SearchPage, VisibilityDto};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Search endpoints.
#[derive(Debug)]
pub struct SearchApi;

#[OpenApi(tag = "ApiTags::Search")]
impl SearchApi {
    /// Search stories
    ///
    /// Full-text search over the stories the caller may read, best match
    /// first. Without `legacy_id`: every legacy the caller is an approved
    /// member of, plus their own personal stories (sign in first). With
    /// `legacy_id`: that legacy's stories the caller may read there (a
    /// visitor or an outsider finds its public stories).
    ///
    /// `q` understands words (all must match), `"quoted phrases"`,
    /// `-excluded` words or phrases, `OR` between two terms, and matches the
    /// last word as a prefix unless a space follows it (from 2 letters; the
    /// prefix is matched unstemmed). Stemming, accents and case do not
    /// matter; there are no stop words. A query with nothing to search for
    /// (no letter or digit outside exclusions: only punctuation, emoji,
    /// `OR` or `-excluded` terms) or with more than 32 words answers 422
    /// VALIDATION_FAILED. A date range that is empty (`from` after `to`)
    /// finds nothing.
    #[oai(path = "/search", method = "get", operation_id = "search_stories")]
    #[allow(clippy::too_many_arguments)] // one per query parameter
    async fn search(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        /// What to look for: 1–500 characters, at most 32 words, at least
        /// one letter or digit that is not excluded (otherwise 422).
        #[oai(validator(min_length = 1, max_length = 500))]
        q: Query<String>,
        /// Search only this legacy.
        legacy_id: Query<Option<Uuid>>,
        /// Only stories by this author (a user id).
        author: Query<Option<Uuid>>,
        /// Only stories with this visibility.
        visibility: Query<Option<VisibilityDto>>,
        /// Only stories written on or after this day (UTC, `YYYY-MM-DD`).
        from: Query<Option<IsoDate>>,
        /// Only stories written on or before this day (UTC, `YYYY-MM-DD`);
        /// before `from`, nothing is found.
        to: Query<Option<IsoDate>>,
        /// `next_cursor` of the previous page: the rank's 16 hex digits (an
        /// IEEE 754 double, finite), `_`, the last story id's 32 hex digits.
        #[oai(validator(
            pattern = r"^((?:[0-68-9a-e][0-9a-f]{2}|[7f](?:[0-9a-e][0-9a-f]|f[0-9a-e]))[0-9a-f]{13}_[0-9a-fA-F]{32})?$"
        ))]
        cursor: Query<Option<String>>,
        /// Hits per page (1–100, default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchPage>> {
        let query = StoryQuery::parse(&q.0).map_err(ApiError::invalid)?;
        // A bound outside the days a story can carry bounds nothing: every
        // story is after a `from` before 0001-01-01 and before a `to` after
        // 9998-12-31 (whose next day `time` may not represent).
        let from = from.0.map(|day| day.0).filter(|day| *day >= FIRST_DAY);
        let to = to.0.map(|day| day.0).filter(|day| *day <= LAST_DAY);
        let page =
            SearchPageRequest::new(cursor.0.as_deref(), limit.0).map_err(ApiError::invalid)?;
        let filters = SearchFilters {
            author: author.0.map(UserId::from_uuid),
            visibility: visibility.0.map(Into::into),
            created_from: from.map(start_of_day),
            // The end day is included: up to the start of the next day.
            created_before: to.map(|day| start_of_day(day) + Duration::DAY),
            companion_only: false,
        };
        let results = state
            .service
            .search_stories(
                auth.user_id(),
                legacy_id.0.map(LegacyId::from_uuid),
                &query,
                &filters,
                page,
            )
            .await?;
        Ok(Json(results.into()))
    }
}

/// The days a story may be created on, as far as date filters go.
const FIRST_DAY: Date = time::macros::date!(0001 - 01 - 01);
const LAST_DAY: Date = time::macros::date!(9998 - 12 - 31);

fn start_of_day(day: Date) -> time::OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_utc()
}
