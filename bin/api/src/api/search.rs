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
use crate::dto::{SearchPage, VisibilityDto};
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
    /// last word as a prefix unless a space follows it. Stemming, accents
    /// and case do not matter. A query with nothing to search for answers
    /// 422.
    #[oai(path = "/search", method = "get", operation_id = "search_stories")]
    #[allow(clippy::too_many_arguments)] // one per query parameter
    async fn search(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        /// What to look for (1–500 characters, at most 32 words).
        #[oai(validator(min_length = 1, max_length = 500))]
        q: Query<String>,
        /// Search only this legacy.
        legacy_id: Query<Option<Uuid>>,
        /// Only stories by this author (a user id).
        author: Query<Option<Uuid>>,
        /// Only stories with this visibility.
        visibility: Query<Option<VisibilityDto>>,
        /// Only stories written on or after this day (UTC).
        from: Query<Option<Date>>,
        /// Only stories written on or before this day (UTC).
        to: Query<Option<Date>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Hits per page (1–100, default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchPage>> {
        let query = StoryQuery::parse(&q.0).map_err(ApiError::invalid)?;
        for day in [from.0, to.0].into_iter().flatten() {
            if !(FIRST_DAY..=LAST_DAY).contains(&day) {
                return Err(ApiError::unprocessable(
                    "dates must be between 0001-01-01 and 9998-12-31",
                ));
            }
        }
        if let (Some(from), Some(to)) = (from.0, to.0)
            && from > to
        {
            return Err(ApiError::unprocessable("'from' must not be after 'to'"));
        }
        let page =
            SearchPageRequest::new(cursor.0.as_deref(), limit.0).map_err(ApiError::invalid)?;
        let filters = SearchFilters {
            author: author.0.map(UserId::from_uuid),
            visibility: visibility.0.map(Into::into),
            created_from: from.0.map(start_of_day),
            // The end day is included: up to the start of the next day.
            created_before: to.0.map(|day| start_of_day(day) + Duration::DAY),
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

/// The days a date filter may name: what both databases store.
const FIRST_DAY: Date = time::macros::date!(0001 - 01 - 01);
const LAST_DAY: Date = time::macros::date!(9998 - 12 - 31);

fn start_of_day(day: Date) -> time::OffsetDateTime {
    day.with_time(Time::MIDNIGHT).assume_utc()
}
