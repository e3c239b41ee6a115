//! Filling a store with a realistic family dataset, fast: for benchmarks,
//! demos and `mosaic-admin seed`.
//!
//! The data is generated from a seed (same plan and seed, same names,
//! roles, visibilities and texts; ids and so timestamps of ids differ) and
//! written in batches of a few thousand rows per transaction through
//! [`BulkLoad`], which both stores implement with their ordinary insert
//! statements.

use std::collections::HashSet;

use async_trait::async_trait;
use mosaic_domain::{
    Biography, Email, Legacy, LegacyId, LegacyName, LifeDates, Membership, PersonName, Role, Story,
    StoryContent, StoryId, StoryTitle, User, UserId, Visibility,
};
use mosaic_ports::RepoError;
use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// Rows to insert together, in one transaction, in this order: users,
/// legacies, memberships, stories.
#[derive(Debug, Default)]
pub struct Batch {
    /// Users.
    pub users: Vec<User>,
    /// Legacies (their creators' memberships go in `memberships`).
    pub legacies: Vec<Legacy>,
    /// Memberships.
    pub memberships: Vec<Membership>,
    /// Stories.
    pub stories: Vec<Story>,
}

impl Batch {
    fn len(&self) -> usize {
        self.users.len() + self.legacies.len() + self.memberships.len() + self.stories.len()
    }
}

/// Inserting many rows at once; both stores implement it.
#[async_trait]
pub trait BulkLoad: Send + Sync {
    /// Inserts the batch in one transaction (all rows or none).
    async fn load(&self, batch: &Batch) -> Result<(), RepoError>;

    /// Refreshes the query planner's statistics; call after loading.
    async fn analyze(&self) -> Result<(), RepoError>;
}

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedPlan {
    /// Number of users.
    pub users: usize,
    /// Number of legacies.
    pub legacies: usize,
    /// Number of stories, over all legacies.
    pub stories: usize,
    /// Average members per legacy besides the creator.
    pub members_per_legacy: usize,
    /// Stories of the busiest legacy (the first one), part of `stories`.
    pub busiest_legacy_stories: usize,
    /// Seed of the random choices.
    pub rng_seed: u64,
}

impl SeedPlan {
    /// A large family site: 10,000 users, 1,000 legacies, 100,000 stories,
    /// one legacy with 5,000 stories.
    pub fn family_site() -> Self {
        Self {
            users: 10_000,
            legacies: 1_000,
            stories: 100_000,
            members_per_legacy: 15,
            busiest_legacy_stories: 5_000,
            rng_seed: 42,
        }
    }

    /// A small dataset for quick runs and tests.
    pub fn small() -> Self {
        Self {
            users: 200,
            legacies: 20,
            stories: 1_000,
            members_per_legacy: 8,
            busiest_legacy_stories: 200,
            rng_seed: 7,
        }
    }
}

/// What was written, and handles into it for benchmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    /// Users written.
    pub users: usize,
    /// Legacies written.
    pub legacies: usize,
    /// Memberships written (creators included).
    pub memberships: usize,
    /// Stories written.
    pub stories: usize,
    /// The legacy with the most stories.
    pub busiest_legacy: LegacyId,
    /// An approved (plain) member of the busiest legacy.
    pub busiest_legacy_member: UserId,
    /// An editor of the busiest legacy, who writes stories there.
    pub busiest_legacy_editor: UserId,
    /// One story of the busiest legacy.
    pub sample_story: StoryId,
    /// A surname many legacies carry, to search for.
    pub common_surname: &'static str,
}

const FIRST_NAMES: [&str; 24] = [
    "Margaret",
    "John",
    "Elena",
    "Samuel",
    "Aiko",
    "Fatima",
    "Giuseppe",
    "Ruth",
    "Oluwaseun",
    "Ingrid",
    "Mateo",
    "Priya",
    "Walter",
    "Hannah",
    "Chen",
    "Dolores",
    "Emil",
    "Grace",
    "Tomasz",
    "Amara",
    "Henri",
    "Lucia",
    "Kwame",
    "Sofia",
];
const SURNAMES: [&str; 20] = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "García",
    "Kowalski",
    "O'Brien",
    "Rossi",
    "Haddad",
    "Nakamura",
    "Schmidt",
    "Novak",
    "Fernandes",
    "Müller",
    "Ivanova",
    "Smith",
    "Mensah",
    "Dubois",
    "Kim",
    "Andersen",
];
const SENTENCES: [&str; 12] = [
    "Every Sunday she baked bread and the whole street knew it.",
    "He kept a tin of buttons that we were allowed to sort on rainy days.",
    "The summer at the lake, the boat leaked and nobody minded.",
    "She wrote letters to all of us, even when we lived two streets away.",
    "He taught me to whistle with two fingers, which my mother never forgave.",
    "The garden had tomatoes, roses and one stubborn fig tree.",
    "At weddings he danced first and last.",
    "She never threw away a map, and she never needed one.",
    "We still use his recipe for soup, though nobody makes it quite right.",
    "Her laugh carried across the whole train station.",
    "He fixed every radio in the village and refused to be paid.",
    "On her ninetieth birthday she asked for a bicycle.",
];

/// A small, fast, seedable generator (SplitMix64); statistical quality is
/// plenty for picking names and roles.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BATCH_ROWS: usize = 2_000;
const START: OffsetDateTime = datetime!(2023-01-01 0:00 UTC);
/// Three years, in microseconds: the span stories are spread over.
const SPAN_MICROS: u64 = 3 * 365 * 24 * 3_600 * 1_000_000;

fn invalid(err: impl std::fmt::Display) -> RepoError {
    RepoError::Internal(anyhow::anyhow!("generated seed value is invalid: {err}"))
}

/// Writes a generated family dataset into `store`, in batched transactions,
/// then refreshes the planner's statistics. Existing data is left alone;
/// each run's users get their own e-mail addresses
/// (`seed-<run>-user-<n>@family.example`), so a store can be seeded twice.
pub async fn seed<S: BulkLoad + ?Sized>(
    store: &S,
    plan: &SeedPlan,
) -> Result<SeedSummary, RepoError> {
    if plan.users < 3 || plan.legacies < 2 || plan.stories <= plan.busiest_legacy_stories {
        return Err(RepoError::Internal(anyhow::anyhow!(
            "a seed plan needs at least 3 users, 2 legacies and more stories than the busiest legacy has"
        )));
    }
    let mut rng = Rng(plan.rng_seed);
    // E-mail addresses must be unique: a run tag lets a store be seeded twice.
    let run = Uuid::now_v7().simple().to_string();
    let run = &run[run.len() - 8..];
    let mut batch = Batch::default();
    let mut memberships = 0;

    let mut users = Vec::with_capacity(plan.users);
    for n in 0..plan.users {
        let name = format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&SURNAMES));
        let at = START + Duration::seconds(n as i64);
        let user = User {
            id: UserId::from_uuid(Uuid::now_v7()),
            email: Email::new(&format!("seed-{run}-user-{n}@family.example")).map_err(invalid)?,
            name: PersonName::new(&name).map_err(invalid)?,
            avatar_url: None,
            is_admin: n == 0,
            disabled: false,
            created_at: at,
            updated_at: at,
        };
        users.push(user.id);
        batch.users.push(user);
        flush_if_full(store, &mut batch).await?;
    }

    // Who may write in each legacy: its creator and editors.
    let mut writers: Vec<Vec<UserId>> = Vec::with_capacity(plan.legacies);
    let mut legacies = Vec::with_capacity(plan.legacies);
    let mut busiest_member = None;
    let mut busiest_editor = None;
    for n in 0..plan.legacies {
        let creator = rng.pick(&users);
        let created_at = START + Duration::minutes(n as i64);
        let birth_year = 1900 + rng.below(80) as i32;
        let birth =
            Date::from_ordinal_date(birth_year, 1 + rng.below(365) as u16).map_err(invalid)?;
        let death = Date::from_ordinal_date(
            birth_year + 40 + rng.below(50) as i32,
            1 + rng.below(365) as u16,
        )
        .map_err(invalid)?;
        let biography = if rng.chance(60) {
            Some(Biography::new(rng.pick(&SENTENCES)).map_err(invalid)?)
        } else {
            None
        };
        let legacy = Legacy {
            id: LegacyId::from_uuid(Uuid::now_v7()),
            name: LegacyName::new(&format!(
                "{} {}",
                rng.pick(&FIRST_NAMES),
                rng.pick(&SURNAMES)
            ))
            .map_err(invalid)?,
            dates: LifeDates::new(Some(birth), Some(death)).map_err(invalid)?,
            biography,
            created_by: creator,
            created_at,
            updated_at: created_at,
        };
        batch.memberships.push(Membership {
            legacy_id: legacy.id,
            user_id: creator,
            role: Role::Creator,
            joined_at: created_at,
        });
        let mut members: HashSet<UserId> = HashSet::from([creator]);
        let mut legacy_writers = vec![creator];
        let wanted = plan.members_per_legacy / 2 + rng.below(plan.members_per_legacy + 1);
        for k in 0..wanted.min(plan.users - 1) {
            let user = rng.pick(&users);
            if !members.insert(user) {
                continue;
            }
            // The busiest legacy gets a known member and editor first.
            // Counted in members added (not attempts), so that a repeated
            // pick cannot leave the busiest legacy without them.
            let role = match (n, members.len()) {
                (0, 2) => Role::Member,
                (0, 3) => Role::Editor,
                _ if rng.chance(10) => Role::Editor,
                _ if rng.chance(15) => Role::Pending,
                _ => Role::Member,
            };
            if n == 0 && role == Role::Member && busiest_member.is_none() {
                busiest_member = Some(user);
            }
            if n == 0 && role == Role::Editor && busiest_editor.is_none() {
                busiest_editor = Some(user);
            }
            if role == Role::Editor {
                legacy_writers.push(user);
            }
            batch.memberships.push(Membership {
                legacy_id: legacy.id,
                user_id: user,
                role,
                joined_at: created_at + Duration::days(1 + k as i64),
            });
        }
        memberships += members.len();
        legacies.push(legacy.id);
        writers.push(legacy_writers);
        batch.legacies.push(legacy);
        flush_if_full(store, &mut batch).await?;
    }

    let mut sample_story = None;
    let mut previous_at = START;
    for n in 0..plan.stories {
        let slot = if n < plan.busiest_legacy_stories {
            0
        } else {
            1 + rng.below(plan.legacies - 1)
        };
        // Every tenth story shares its timestamp with the one before: the
        // id must break ties.
        let created_at = if n % 10 == 9 {
            previous_at
        } else {
            START + Duration::microseconds(rng.below(SPAN_MICROS as usize) as i64)
        };
        previous_at = created_at;
        let visibility = match rng.below(10) {
            0..=2 => Visibility::Public,
            3..=8 => Visibility::Private,
            _ => Visibility::Personal,
        };
        let sentences = 2 + rng.below(6);
        let content: Vec<&str> = (0..sentences).map(|_| rng.pick(&SENTENCES)).collect();
        let story = Story {
            id: StoryId::from_uuid(Uuid::now_v7()),
            legacy_id: legacies[slot],
            author_id: rng.pick(&writers[slot]),
            title: StoryTitle::new(&format!("Memory {n}: {}", rng.pick(&SENTENCES)))
                .map_err(invalid)?,
            content: StoryContent::new(&content.join("\n\n")).map_err(invalid)?,
            visibility,
            created_at,
            updated_at: created_at,
            deleted_at: None,
            ai_excluded: false,
        };
        if slot == 0 && sample_story.is_none() {
            sample_story = Some(story.id);
        }
        batch.stories.push(story);
        flush_if_full(store, &mut batch).await?;
    }
    if batch.len() > 0 {
        store.load(&batch).await?;
    }
    store.analyze().await?;

    let missing = |what: &str| RepoError::Internal(anyhow::anyhow!("the seed made no {what}"));
    Ok(SeedSummary {
        users: plan.users,
        legacies: plan.legacies,
        memberships,
        stories: plan.stories,
        busiest_legacy: legacies[0],
        busiest_legacy_member: busiest_member.ok_or_else(|| missing("member"))?,
        busiest_legacy_editor: busiest_editor.ok_or_else(|| missing("editor"))?,
        sample_story: sample_story.ok_or_else(|| missing("story"))?,
        common_surname: "Okafor",
    })
}

async fn flush_if_full<S: BulkLoad + ?Sized>(
    store: &S,
    batch: &mut Batch,
) -> Result<(), RepoError> {
    if batch.len() >= BATCH_ROWS {
        store.load(batch).await?;
        *batch = Batch::default();
    }
    Ok(())
}
