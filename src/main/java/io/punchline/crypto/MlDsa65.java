package io.punchline.crypto;

import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPublicKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSASigner;

import java.security.SecureRandom;

/**
 * ML-DSA-65 (FIPS 204) through BouncyCastle's lightweight API, pure mode with an empty context string (the domain
 * separation is inside every signed message). Signing is hedged with the caller's {@link SecureRandom}, so a
 * deterministic random source gives deterministic signatures (test vectors).
 */
final class MlDsa65 {

    static final MLDSAParameters PARAMETERS = MLDSAParameters.ml_dsa_65;
    static final int PUBLIC_KEY_LENGTH = 1952;
    static final int SIGNATURE_LENGTH = 3309;
    static final int SEED_LENGTH = 32;

    private MlDsa65() {
    }

    static byte[] sign(MLDSAPrivateKeyParameters key, byte[] message, SecureRandom random) {
        MLDSASigner signer = new MLDSASigner();
        signer.init(true, new ParametersWithRandom(key, random));
        signer.update(message, 0, message.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("ML-DSA signing failed", e);
        }
    }

    /** True only for a signature of the right length that verifies; never throws for malformed input. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            MLDSASigner verifier = new MLDSASigner();
            verifier.init(false, new MLDSAPublicKeyParameters(PARAMETERS, publicKey));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
