package io.punchline.crypto;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMExtractor;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPublicKeyParameters;

import java.security.SecureRandom;

/** ML-KEM-768 (FIPS 203) through BouncyCastle's lightweight API, with randomness the caller supplies. */
final class MlKem768 {

    static final MLKEMParameters PARAMETERS = MLKEMParameters.ml_kem_768;
    static final int ENCAPSULATION_KEY_LENGTH = 1184;
    static final int CIPHERTEXT_LENGTH = 1088;
    static final int SHARED_SECRET_LENGTH = 32;

    private MlKem768() {
    }

    /** An ephemeral key pair: the decapsulation key stays in memory for one handshake only. */
    record EphemeralKeyPair(byte[] encapsulationKey, MLKEMPrivateKeyParameters decapsulationKey) {
        @Override
        public String toString() {
            return "EphemeralKeyPair[ML-KEM-768]";
        }
    }

    record Encapsulation(byte[] sharedSecret, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Encapsulation[ML-KEM-768]";
        }
    }

    static EphemeralKeyPair generate(SecureRandom random) {
        MLKEMKeyPairGenerator generator = new MLKEMKeyPairGenerator();
        generator.init(new MLKEMKeyGenerationParameters(random, PARAMETERS));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return new EphemeralKeyPair(((MLKEMPublicKeyParameters) pair.getPublic()).getEncoded(),
                (MLKEMPrivateKeyParameters) pair.getPrivate());
    }

    /** Encapsulates to a peer's key; throws IllegalArgumentException when the key fails FIPS 203 input checks. */
    static Encapsulation encapsulate(byte[] encapsulationKey, SecureRandom random) {
        if (encapsulationKey.length != ENCAPSULATION_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "ML-KEM-768 encapsulation key has " + ENCAPSULATION_KEY_LENGTH + " bytes");
        }
        try {
            SecretWithEncapsulation result = new MLKEMGenerator(random)
                    .generateEncapsulated(new MLKEMPublicKeyParameters(PARAMETERS, encapsulationKey));
            return new Encapsulation(result.getSecret(), result.getEncapsulation());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid ML-KEM-768 encapsulation key", e);
        }
    }

    static byte[] decapsulate(MLKEMPrivateKeyParameters key, byte[] ciphertext) {
        if (ciphertext.length != CIPHERTEXT_LENGTH) {
            throw new IllegalArgumentException("ML-KEM-768 ciphertext has " + CIPHERTEXT_LENGTH + " bytes");
        }
        return new MLKEMExtractor(key).extractSecret(ciphertext);
    }
}
