//! The commands that work on a Luoshi database: serve, import, user, unit, token, backup,
//! restore. Each opens the store from `--database` / `DATABASE_URL`, or SQLite inside
//! `--data-dir`, and acts as `system:cli` in the audit log.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::Datelike;
use clap::{Args, Subcommand};
use luoshi_app::{admin, session};
use luoshi_domain::policy::Actor;
use luoshi_domain::role::Role;
use luoshi_store::{
    Audit, NewUnit, Organization, Paging, Store, UnitKind, secret_hash, sqlite_url_in,
};

/// Where the data lives; every database command takes these.
#[derive(Args, Clone, Debug)]
pub struct Location {
    /// Directory for the SQLite database and uploaded files.
    #[arg(
        long,
        global = true,
        default_value = "luoshi-data",
        env = "LUOSHI_DATA_DIR"
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: SQLite in the data dir).
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database: Option<String>,
}

impl Location {
    pub fn url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| sqlite_url_in(&self.data_dir))
    }

    pub async fn open(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data directory {}", self.data_dir.display()))?;
        Store::connect(&self.url())
            .await
            .with_context(|| format!("cannot open the database {}", redact(&self.url())))
    }
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a temporary password is printed, to be
    /// changed at first login.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        /// Display name (defaults to the user name).
        #[arg(long)]
        name: Option<String>,
        /// Unit id the user belongs to (repeat for several).
        #[arg(long = "unit")]
        units: Vec<i64>,
        /// Organization name; created if the database has none yet.
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Reset a password: a temporary one is printed (or read with --password-stdin); it must
    /// be changed at next login.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    List,
}

#[derive(Subcommand)]
pub enum UnitCommand {
    Add {
        name: String,
        /// department, center, subordinate, county, school or other.
        #[arg(long, default_value = "department")]
        kind: String,
        #[arg(long)]
        parent: Option<i64>,
        /// Abbreviations used in plans, comma-separated (基教科,基教).
        #[arg(long, value_delimiter = ',')]
        abbr: Vec<String>,
        #[arg(long)]
        organization: Option<String>,
    },
    List {
        #[arg(long)]
        organization: Option<String>,
    },
}

/// The organization a command acts on: the one named, or the only one.
async fn organization(store: &Store, name: Option<&str>, create: bool) -> Result<Organization> {
    let all = store.organizations().await?;
    match name {
        Some(name) => {
            if let Some(found) = all.into_iter().find(|o| o.name == name) {
                Ok(found)
            } else if create {
                Ok(store.create_organization(&Audit::cli(), name).await?)
            } else {
                bail!("no organization named {name:?}")
            }
        }
        None => match all.len() {
            1 => Ok(all.into_iter().next().expect("one")),
            0 => bail!(
                "the database has no organization yet: pass --organization \"某县教育局\" to create it"
            ),
            _ => bail!("several organizations exist: pass --organization NAME"),
        },
    }
}

/// The password piped in on standard input, when asked for; otherwise one is generated.
fn read_password(from_stdin: bool) -> Result<Option<String>> {
    if !from_stdin {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_string()))
}

pub async fn user(location: &Location, command: UserCommand) -> Result<()> {
    let store = location.open().await?;
    match command {
        UserCommand::Add {
            username,
            role,
            name,
            units,
            organization: org,
            password_stdin,
        } => {
            let role = Role::parse(&role).map_err(|e| anyhow!("{e}"))?;
            if role.lacks_unit(&units) {
                bail!(
                    "a {} must belong to a unit: pass --unit ID (see `luoshi unit list`)",
                    role.as_str()
                );
            }
            let organization = organization(&store, org.as_deref(), true).await?;
            let account = admin::NewAccount {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                units,
                password: read_password(password_stdin)?,
                must_change_password: false,
            };
            let admin::CreatedAccount {
                user,
                password,
                generated,
            } = admin::create_user(
                &store,
                &Actor::operator(organization.id),
                &Audit::cli().within(organization.id),
                account,
            )
            .await?;
            println!(
                "created user {} (id {}, {}) in {}",
                user.username,
                user.id,
                role.as_str(),
                organization.name
            );
            if generated {
                println!("temporary password: {password}\n(it must be changed at first login)");
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let credentials = store
                .credentials(&username)
                .await?
                .ok_or_else(|| anyhow!("no user named {username:?}"))?;
            let given = read_password(password_stdin)?;
            let generated = given.is_none();
            let organization_id = credentials.user.organization_id;
            let (_, password) = admin::reset_password(
                &store,
                &Actor::operator(organization_id),
                &Audit::cli().within(organization_id),
                credentials.user.id,
                given,
            )
            .await?;
            println!("password of {username} reset; it must be changed at next login");
            if generated {
                println!("temporary password: {password}");
            }
        }
        UserCommand::List => {
            for organization in store.organizations().await? {
                println!("{} (organization {})", organization.name, organization.id);
                let users = store
                    .users(organization.id, None, None, Paging::all())
                    .await?;
                for user in users.items {
                    println!(
                        "  {:>4}  {:<20} {:<11} units {:?}{}{}",
                        user.id,
                        user.username,
                        user.role.as_str(),
                        user.units,
                        if user.disabled { "  disabled" } else { "" },
                        if user.must_change_password {
                            "  must change password"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(())
}

pub async fn unit(location: &Location, command: UnitCommand) -> Result<()> {
    let store = location.open().await?;
    match command {
        UnitCommand::Add {
            name,
            kind,
            parent,
            abbr,
            organization: org,
        } => {
            let kind = UnitKind::parse(&kind).map_err(|e| anyhow!("{e}"))?;
            let organization = organization(&store, org.as_deref(), true).await?;
            let unit = admin::create_unit(
                &store,
                &Actor::operator(organization.id),
                &Audit::cli().within(organization.id),
                &NewUnit {
                    name,
                    kind,
                    parent_id: parent,
                    abbreviations: abbr,
                },
            )
            .await?;
            println!("created unit {} (id {})", unit.name, unit.id);
        }
        UnitCommand::List { organization: org } => {
            let organization = organization(&store, org.as_deref(), false).await?;
            for unit in store.units(organization.id).await? {
                println!(
                    "{:>4}  {:<24} {:<12} parent {:<6} abbreviations {}",
                    unit.id,
                    unit.name,
                    unit.kind.as_str(),
                    unit.parent_id
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "-".into()),
                    unit.abbreviations.join("、")
                );
            }
        }
    }
    store.close().await;
    Ok(())
}

pub async fn import(
    location: &Location,
    file: &Path,
    publish: bool,
    org: Option<&str>,
) -> Result<()> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(name.clone());
    let store = location.open().await?;
    let organization = organization(&store, org, false).await?;
    let read = luoshi_app::plan_files::read(
        &Actor::operator(organization.id),
        &file_name,
        &bytes,
        50 * 1024 * 1024,
        china_today().year(),
    )?;
    let files = location.data_dir.join("files");
    std::fs::create_dir_all(&files)?;
    let stored_name = secret_hash(&format!("{name}{}", luoshi_store::now()));
    std::fs::write(files.join(&stored_name), &bytes)?;
    let audit = Audit::cli().within(organization.id);
    let luoshi_app::plan_files::Imported { plan, updated } = luoshi_app::plan_files::import(
        &store,
        &Actor::operator(organization.id),
        &audit,
        &file_name,
        Some(stored_name),
        &read,
    )
    .await?;
    println!(
        "plan {}: {} ({}), {} sections, {} tasks, draft{}",
        plan.id,
        plan.title,
        plan.year,
        read.draft.sections.len(),
        read.draft.tasks.len(),
        if updated {
            " (updated from the table)"
        } else {
            ""
        }
    );
    if !read.draft.warnings.is_empty() {
        println!(
            "{} items need a look before publishing (the least certain first):",
            read.draft.warnings.len()
        );
    }
    for warning in &read.draft.warnings {
        println!("  check: {warning}");
    }
    let unmatched = store.unmatched_unit_names(plan.id).await?;
    if !unmatched.is_empty() {
        println!(
            "units not matched to any unit yet (map them in review, or add them with `luoshi unit add` and re-import):"
        );
        for name in &unmatched {
            println!("  {} ({} tasks)", name.written_name, name.tasks);
        }
    }
    if publish {
        let published = store
            .publish_plan(&audit, organization.id, plan.id, china_today())
            .await?;
        println!(
            "published plan {} as version {}",
            published.id, published.version
        );
    }
    store.close().await;
    Ok(())
}

/// Today in China (UTC+8), or `LUOSHI_TODAY`.
fn china_today() -> chrono::NaiveDate {
    std::env::var("LUOSHI_TODAY")
        .ok()
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| luoshi_domain::period::china_time(chrono::Utc::now().timestamp()).date())
}

/// What `luoshi export` writes.
pub struct ExportRequest<'a> {
    pub kind: &'a str,
    pub format: Option<&'a str>,
    pub out: &'a Path,
    pub plan: Option<i64>,
    pub period: Option<&'a str>,
    pub notice: Option<i64>,
    pub organization: Option<&'a str>,
}

pub async fn export(location: &Location, request: ExportRequest<'_>) -> Result<()> {
    let kind = luoshi_app::files::ExportKind::parse(request.kind).ok_or_else(|| {
        anyhow!(
            "unknown export {:?}: decomposition, ledger, units, bulletin, notice or summary",
            request.kind
        )
    })?;
    if let Some(format) = request.format
        && format != kind.format()
    {
        bail!(
            "{} is made as .{} (use --format {})",
            request.kind,
            kind.format(),
            kind.format()
        );
    }
    let store = location.open().await?;
    let organization = organization(&store, request.organization, false).await?;
    let plan = match request.plan {
        Some(id) => id,
        None => {
            let plans = store
                .plans(organization.id, None, None, false, Paging::all())
                .await?;
            match plans.items.as_slice() {
                [only] => only.id,
                [] => bail!("there is no plan yet: import one with `luoshi import FILE`"),
                _ => bail!("several plans exist: pass --plan ID"),
            }
        }
    };
    let export = luoshi_app::files::ExportRequest {
        plan_id: plan,
        kind,
        period: request.period.map(str::to_string),
        notice: request.notice,
    };
    let file = luoshi_app::files::export(
        &store,
        &Actor::operator(organization.id),
        &export,
        china_today(),
    )
    .await?;
    let bytes = file.bytes;
    std::fs::write(request.out, &bytes)
        .with_context(|| format!("cannot write {}", request.out.display()))?;
    println!(
        "wrote {} ({}, {} bytes)",
        request.out.display(),
        kind.zh(),
        bytes.len()
    );
    store.close().await;
    Ok(())
}

pub async fn token(location: &Location, username: &str, name: &str) -> Result<()> {
    let store = location.open().await?;
    let credentials = store
        .credentials(username)
        .await?
        .ok_or_else(|| anyhow!("no user named {username:?}"))?;
    let (_, secret) = session::create_token(
        &store,
        &Audit::cli().within(credentials.user.organization_id),
        credentials.user.id,
        name,
    )
    .await?;
    println!("{secret}");
    eprintln!(
        "API token for {username}: send it as `Authorization: Bearer …`; it is shown only now."
    );
    store.close().await;
    Ok(())
}

pub async fn backup(location: &Location, to: &Path) -> Result<()> {
    let store = location.open().await?;
    store.backup_sqlite(to).await?;
    println!(
        "backed up to {} (a consistent copy taken while the database is in use)",
        to.display()
    );
    store.close().await;
    Ok(())
}

/// The lock file beside a SQLite database: every `luoshi serve` holds it shared for as long
/// as it runs, and `luoshi restore` needs it exclusively, so a restore never runs under a
/// live server.
fn lock_file(location: &Location) -> Result<std::fs::File> {
    std::fs::create_dir_all(&location.data_dir)?;
    let path = location.data_dir.join("luoshi.lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))
}

fn sqlite_only(location: &Location) -> bool {
    location
        .database
        .as_deref()
        .is_none_or(|url| url.starts_with("sqlite:"))
}

/// Replaces the SQLite database with a backup and keeps the current one (with its
/// write-ahead log emptied into it) beside it. Refused while a server uses the database,
/// and for a file that is damaged, is not Luoshi's, is newer than this binary or holds no
/// organization; the check runs on a copy before anything is moved.
pub async fn restore(location: &Location, from: &Path) -> Result<()> {
    if !sqlite_only(location) {
        bail!("restore is for SQLite; restore PostgreSQL with pg_restore or psql (see README)");
    }
    let lock = lock_file(location)?;
    if lock.try_lock().is_err() {
        bail!(
            "a Luoshi server is using {}; stop it before restoring",
            location.data_dir.display()
        );
    }
    let mut header = [0u8; 16];
    let readable = std::fs::File::open(from)
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut header))
        .is_ok();
    if !readable || &header != b"SQLite format 3\0" {
        bail!(
            "{} is not a SQLite database (made by `luoshi backup`)",
            from.display()
        );
    }
    let checked = location.data_dir.join("luoshi.db.restoring");
    std::fs::copy(from, &checked).with_context(|| format!("cannot read {}", from.display()))?;
    let refuse = |why: &str| {
        let _ = std::fs::remove_file(&checked);
        anyhow!("{} cannot be restored: {why}", from.display())
    };
    let inspection = luoshi_store::inspect_sqlite(&checked)
        .await
        .map_err(|e| refuse(&format!("it cannot be read ({e})")))?;
    if !inspection.intact {
        return Err(refuse("it is damaged (PRAGMA integrity_check failed)"));
    }
    if !inspection.luoshi_schema {
        return Err(refuse(
            "it is not a Luoshi database, or one made by a newer Luoshi",
        ));
    }
    if inspection.organizations == 0 {
        return Err(refuse("it holds no organization"));
    }
    let migrated = async {
        let candidate = Store::connect(&format!("sqlite://{}", checked.display())).await?;
        candidate.close().await;
        anyhow::Ok(())
    }
    .await;
    if let Err(error) = migrated {
        return Err(refuse(&format!(
            "it cannot be brought up to date ({error})"
        )));
    }
    let target = location.data_dir.join("luoshi.db");
    if target.exists() {
        // Everything committed moves from the log into the file before the file moves.
        let current = location.open().await?;
        let emptied = current.checkpoint_sqlite().await?;
        current.close().await;
        if !emptied {
            return Err(refuse("the current database is in use"));
        }
        let kept = format!("luoshi.db.before-restore-{}", luoshi_store::now());
        for suffix in ["", "-wal", "-shm"] {
            let side = location.data_dir.join(format!("luoshi.db{suffix}"));
            if side.exists() {
                std::fs::rename(&side, location.data_dir.join(format!("{kept}{suffix}")))?;
            }
        }
        println!(
            "current database kept as {}",
            location.data_dir.join(&kept).display()
        );
    }
    std::fs::rename(&checked, &target)?;
    drop(lock);
    println!(
        "restored {} ({} organizations); start `luoshi serve` again",
        from.display(),
        inspection.organizations
    );
    Ok(())
}

/// Serves; `today` pretends the date (the demo), else `LUOSHI_TODAY`, else the real date.
pub async fn serve(
    location: &Location,
    addr: SocketAddr,
    secure_cookies: bool,
    trust_proxy: bool,
    today: Option<chrono::NaiveDate>,
) -> Result<()> {
    // Held shared while serving (several servers may share one SQLite directory) so that a
    // restore cannot move the database away underneath.
    let lock = sqlite_only(location)
        .then(|| lock_file(location))
        .transpose()?;
    if let Some(lock) = &lock
        && lock.try_lock_shared().is_err()
    {
        bail!(
            "{} is being restored; start the server when it is done",
            location.data_dir.display()
        );
    }
    let store = location.open().await?;
    if store.count_users().await? == 0 {
        println!("The database has no users yet. Create the first admin with:");
        println!(
            "  luoshi user add admin --role admin --organization \"某县教育局\" --data-dir {}",
            location.data_dir.display()
        );
        println!("(or POST /api/v1/setup once). Nothing has a default password.");
    }
    let mut config = luoshi_web::Config::new(location.data_dir.clone());
    config.secure_cookies = secure_cookies;
    config.trust_proxy = trust_proxy;
    config.today = today;
    if let (None, Ok(today)) = (today, std::env::var("LUOSHI_TODAY")) {
        config.today = Some(
            chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d")
                .with_context(|| format!("LUOSHI_TODAY={today} is not YYYY-MM-DD"))?,
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    println!(
        "Luoshi is serving on http://{} (database {})",
        listener.local_addr()?,
        redact(&location.url())
    );
    luoshi_web::serve(luoshi_web::AppState::new(store.clone(), config), listener).await?;
    store.close().await;
    drop(lock);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_database_urls_are_not_printed() {
        assert_eq!(
            redact("postgres://luoshi:secret@db/luoshi"),
            "postgres://luoshi:***@db/luoshi"
        );
        assert_eq!(
            redact("postgres://luoshi@db/luoshi"),
            "postgres://luoshi@db/luoshi"
        );
        assert_eq!(redact("sqlite://data/luoshi.db"), "sqlite://data/luoshi.db");
    }
}
