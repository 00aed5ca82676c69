package dev.sealpost.mail.repository;

import dev.sealpost.mail.domain.FolderEntity;
import dev.sealpost.mail.domain.FolderKind;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The folders of a mailbox. */
@ApplicationScoped
public class FolderRepository implements PanacheRepositoryBase<FolderEntity, UUID> {

    public Uni<Optional<UUID>> idOf(UUID mailboxId, String name) {
        return find("mailboxId = ?1 and name = ?2", mailboxId, name).firstResult()
                .map(folder -> Optional.ofNullable(folder).map(found -> found.id));
    }

    /** The standard folders first, then the user's, by name. */
    public Uni<List<String>> names(UUID mailboxId) {
        return list("mailboxId = ?1 order by case when kind = ?2 then 1 else 0 end, name", mailboxId, FolderKind.USER)
                .map(folders -> folders.stream().map(folder -> folder.name).toList());
    }
}
