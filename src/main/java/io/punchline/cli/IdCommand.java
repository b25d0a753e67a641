package io.punchline.cli;

import io.punchline.config.DataFolders;
import io.punchline.crypto.Identity;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code punchline id}: prints this installation's PeerId fingerprint, creating the identity on first use. */
@Command(name = "id", mixinStandardHelpOptions = true,
        description = "Prints this installation's post-quantum identity (ML-DSA-65 PeerId fingerprint).")
final class IdCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Identity identity = Identity.loadOrCreate(DataFolders.config());
        System.out.println(identity.peerId().fingerprint());
        return ExitCodes.OK;
    }
}
