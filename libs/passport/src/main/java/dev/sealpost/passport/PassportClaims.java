package dev.sealpost.passport;

/** Names of the passport's own claims and limits shared by signer and verifier. */
public final class PassportClaims {

    public static final String TENANT = "tenant";
    public static final String ROLES = "roles";
    public static final String ACR = "acr";
    public static final String ADDRESS = "address";
    /** The only JWS algorithm a passport may use: Ed25519 (RFC 8037). See docs/decisions.md. */
    public static final String ALGORITHM = "EdDSA";
    public static final String TYPE = "passport+jwt";

    /** Longest lifetime a passport may have. */
    public static final long MAX_LIFETIME_SECONDS = 300;
    /** Clock skew tolerated on exp, nbf and iat. */
    public static final int CLOCK_SKEW_SECONDS = 60;
    /** Tokens longer than this are refused before parsing. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** Key ids are ours: base64url, at most this long. */
    public static final int MAX_KEY_ID_LENGTH = 64;

    private PassportClaims() {
    }
}
