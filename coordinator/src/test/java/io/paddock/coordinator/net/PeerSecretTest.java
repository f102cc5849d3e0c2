package io.paddock.coordinator.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.coordinator.env.Entropy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A proof answers one challenge, from one member to another, in one cluster, with one secret. */
class PeerSecretTest {
    private static final PeerSecret SECRET = new PeerSecret("s3cret".getBytes(StandardCharsets.UTF_8));

    @Test
    void aProofVerifiesOnlyForItsNoncesDirectionClusterAndSecret() {
        Entropy entropy = Entropy.seeded(42);
        byte[] challenge = PeerSecret.newNonce(entropy);
        byte[] own = PeerSecret.newNonce(entropy);
        byte[] proof = SECRET.proof(challenge, own, 2, 1, "east");
        assertEquals(PeerSecret.PROOF_BYTES, proof.length);
        assertTrue(SECRET.verifies(proof, challenge, own, 2, 1, "east"));
        assertFalse(SECRET.verifies(proof, own, challenge, 2, 1, "east"), "nonces swapped");
        assertFalse(SECRET.verifies(proof, PeerSecret.newNonce(entropy), own, 2, 1, "east"), "another challenge");
        assertFalse(SECRET.verifies(proof, challenge, own, 1, 2, "east"), "the other direction");
        assertFalse(SECRET.verifies(proof, challenge, own, 3, 1, "east"), "another prover");
        assertFalse(SECRET.verifies(proof, challenge, own, 2, 1, "west"), "another cluster");
        assertFalse(new PeerSecret("s3cret!".getBytes(StandardCharsets.UTF_8)).verifies(proof, challenge, own, 2, 1,
                "east"), "another secret");
        assertFalse(SECRET.verifies(new byte[0], challenge, own, 2, 1, "east"), "no proof");
    }

    @Test
    void noncesAreFreshAndTheSecretIsNeverPrinted() {
        Entropy entropy = Entropy.secure();
        assertFalse(java.util.Arrays.equals(PeerSecret.newNonce(entropy), PeerSecret.newNonce(entropy)));
        assertEquals(PeerSecret.NONCE_BYTES, PeerSecret.newNonce(entropy).length);
        assertFalse(SECRET.toString().contains("s3cret"));
        assertThrows(IllegalArgumentException.class, () -> new PeerSecret(new byte[0]));
    }
}
