package dev.sealpost.mail.repository;

import dev.sealpost.mail.domain.FolderEntity;
import dev.sealpost.mail.domain.FolderKind;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The folders of a mailbox. */
@ApplicationScoped
public class FolderRepository implements PanacheRepositoryBase<FolderEntity, UUID> {

    public Uni<Optional<UUID>> idOf(UUID mailboxId, String name) {
        return find("mailboxId = ?1 and name = ?2", mailboxId, name).firstResult()
                .map(folder -> Optional.ofNullable(folder).map(found -> found.id));
    }

    public enum Creation { CREATED, NAME_TAKEN, TOO_MANY }

    /**
     * Creates a user folder unless the mailbox has a folder of that name (in any case: "Inbox" would
     * read as the inbox) or already {@code maxUserFolders} of its own. Call it in a transaction: the
     * mailbox row is locked first, so two creations in one mailbox are checked one after the other.
     * PESSIMISTIC_WRITE is PostgreSQL's FOR NO KEY UPDATE (Hibernate 6+), which the foreign-key checks
     * of concurrent sends into the mailbox (FOR KEY SHARE) do not wait for.
     */
    public Uni<Creation> createUserFolder(UUID mailboxId, String name, int maxUserFolders) {
        return getSession().chain(session -> session.createSelectionQuery("select m.id from MailboxEntity m where m.id = :id", UUID.class)
                        .setParameter("id", mailboxId).setLockMode(LockModeType.PESSIMISTIC_WRITE).getSingleResult())
                .chain(() -> list("mailboxId", mailboxId))
                .chain(existing -> {
                    String folded = name.toLowerCase(Locale.ROOT);
                    if (existing.stream().anyMatch(folder -> folder.name.toLowerCase(Locale.ROOT).equals(folded))) {
                        return Uni.createFrom().item(Creation.NAME_TAKEN);
                    }
                    if (existing.stream().filter(folder -> folder.kind == FolderKind.USER).count() >= maxUserFolders) {
                        return Uni.createFrom().item(Creation.TOO_MANY);
                    }
                    return persist(FolderEntity.user(mailboxId, name)).replaceWith(Creation.CREATED);
                });
    }

    /** The standard folders first, then the user's, by name. */
    public Uni<List<String>> names(UUID mailboxId) {
        return list("mailboxId = ?1 order by case when kind = ?2 then 1 else 0 end, name", mailboxId, FolderKind.USER)
                .map(folders -> folders.stream().map(folder -> folder.name).toList());
    }
}
