package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.UUID;
import java.util.concurrent.Callable;

/** Filing a message: flags, another folder, the trash. Only metadata changes; nothing is opened. */
final class MessageCommands {

    private MessageCommands() {
    }

    static UUID messageId(String id) throws ClientException {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ClientException.LocalState("not a message id: " + id);
        }
    }

    @Command(name = "flag", description = "Flag a message (--off to unflag; --unread to mark it unread)")
    static final class Flag implements Callable<Integer> {
        @ParentCommand
        SealpostCli cli;
        @Parameters(index = "0", description = "Message id")
        String id;
        @Option(names = "--off", description = "Remove the flag instead")
        boolean off;
        @Option(names = "--unread", description = "Also mark it unread")
        boolean unread;

        @Override
        public Integer call() throws ClientException {
            cli.signedIn().mail().flags(messageId(id), unread ? Boolean.FALSE : null, !off);
            cli.terminal().line((off ? "Unflagged " : "Flagged ") + id);
            return 0;
        }
    }

    @Command(name = "move", description = "Move a message to another of your folders (inbox, archive, trash, ...)")
    static final class Move implements Callable<Integer> {
        @ParentCommand
        SealpostCli cli;
        @Parameters(index = "0", description = "Message id")
        String id;
        @Parameters(index = "1", description = "Target folder")
        String folder;

        @Override
        public Integer call() throws ClientException {
            cli.signedIn().mail().move(messageId(id), folder);
            cli.terminal().line("Moved " + id + " to " + folder);
            return 0;
        }
    }

    @Command(name = "delete", description = "Move a message to the trash; from the trash, delete it for good")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        SealpostCli cli;
        @Parameters(index = "0", description = "Message id")
        String id;

        @Override
        public Integer call() throws ClientException {
            cli.signedIn().mail().delete(messageId(id));
            cli.terminal().line("Deleted " + id + " (to the trash, or for good if it was there)");
            return 0;
        }
    }
}
