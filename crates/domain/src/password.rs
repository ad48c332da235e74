//! Passwords: the policy of 等保 2.0 level 3 (at least 10 characters mixing at least three
//! of lower case, upper case, digits and symbols) and argon2id hashing in PHC form.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::DomainError;

pub const MIN_LENGTH: usize = 10;

/// Checks a new password against the policy; the error says what is missing, in Chinese.
pub fn check_policy(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(DomainError::WeakPassword(format!(
            "至少 {MIN_LENGTH} 个字符"
        )));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < 3 {
        return Err(DomainError::WeakPassword(
            "须包含小写字母、大写字母、数字、符号中的至少三类".into(),
        ));
    }
    Ok(())
}

/// Random bytes from the operating system; also used for session and API tokens.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}

/// A fresh random secret (a session, CSRF or API token, a stored file's name), hex-encoded.
pub fn new_secret() -> String {
    random_bytes::<32>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes with argon2id and a fresh salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

/// True when `password` matches a stored PHC hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password that satisfies the policy, for accounts an admin creates without choosing one.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes::<14>();
    let body: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{body}-9a")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_requires_length_and_three_classes() {
        assert!(check_policy("Short1!").is_err());
        assert!(check_policy("alllowercaseletters").is_err());
        assert!(check_policy("lowercase123456").is_err());
        assert!(check_policy("Lowercase123456").is_ok());
        assert!(check_policy("lower-case-123").is_ok());
        let err = check_policy("abc").unwrap_err();
        assert!(err.to_string().contains("10"));
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let stored = hash("Correct-Horse-9");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Correct-Horse-9", &stored));
        assert!(!verify("correct-horse-9", &stored));
        assert!(!verify("Correct-Horse-9", "not a hash"));
        assert_ne!(stored, hash("Correct-Horse-9"), "salts differ");
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..20 {
            assert!(check_policy(&generate()).is_ok());
        }
    }
}
