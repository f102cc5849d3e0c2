package io.paddock.coordinator.net;

import io.paddock.coordinator.env.Entropy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared cluster secret ({@code paddock.quorum.secretFile}) and the challenge-response built on
 * it: each side of a peer link sends a fresh nonce, and the other proves it knows the secret with
 * an HMAC-SHA256 over that nonce, its own nonce, both server ids (prover first) and the cluster id.
 * The ids make a proof good for one direction between two given members only, so a proof a member
 * gives on one connection can never be presented on another as someone else's; the nonces make
 * every proof good for one connection only. Never printed.
 */
public final class PeerSecret {
    public static final int NONCE_BYTES = 32;
    public static final int PROOF_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    /** Domain separation: these MACs mean nothing outside the peer handshake. */
    private static final byte[] LABEL = "paddock peer proof v2".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;

    public PeerSecret(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("an empty cluster secret");
        }
        this.key = secret.clone();
    }

    /** A fresh challenge. Entropy is not necessarily thread-safe, and network threads share it. */
    static byte[] newNonce(Entropy entropy) {
        byte[] nonce = new byte[NONCE_BYTES];
        synchronized (entropy) {
            entropy.nextBytes(nonce);
        }
        return nonce;
    }

    /** What {@code prover} sends to answer {@code verifier}'s challenge {@code verifierNonce}. */
    public byte[] proof(byte[] verifierNonce, byte[] proverNonce, long prover, long verifier, String clusterId) {
        byte[] cluster = clusterId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer input = ByteBuffer.allocate(LABEL.length + 4 + verifierNonce.length + 4 + proverNonce.length + 16 + 4
                + cluster.length);
        input.put(LABEL);
        // every variable-length part carries its length, so no two inputs concatenate alike
        input.putInt(verifierNonce.length).put(verifierNonce);
        input.putInt(proverNonce.length).put(proverNonce);
        input.putLong(prover).putLong(verifier);
        input.putInt(cluster.length).put(cluster);
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // not thread-safe: one per proof (handshakes are rare)
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(input.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required of every Java runtime", e);
        }
    }

    /** True when {@code proof} is {@link #proof}'s answer; compared in constant time. */
    public boolean verifies(byte[] proof, byte[] verifierNonce, byte[] proverNonce, long prover, long verifier,
            String clusterId) {
        return MessageDigest.isEqual(proof(verifierNonce, proverNonce, prover, verifier, clusterId), proof);
    }

    @Override
    public String toString() {
        return "PeerSecret[redacted]";
    }
}
