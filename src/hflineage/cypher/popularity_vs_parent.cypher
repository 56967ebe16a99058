// Likes and downloads of derivatives against their parents, per relation.
// $architecture: str = null -- only derivatives with this architecture (exact name); null: every architecture
// $licenseCategory: enum(permissive|copyleft|non-commercial|custom/restricted|unknown) = null -- only derivatives of this licence category (no licence: unknown); null: every category
// $since: month = null -- first creation month of the derivative, YYYY-MM; null: no lower bound (when set, derivatives without createdAt are left out)
// $until: month = null -- last creation month of the derivative, YYYY-MM; null: no upper bound (when set, derivatives without createdAt are left out)
// $relation: enum(finetune|adapter|quantized|merge|unknown) = null -- only derivation edges of this relation: the child–parent pairs of that relation, one row; null: every relation
// returns: relation, pairs, medianChildDownloads, medianParentDownloads, medianChildLikes, medianParentLikes, shareMoreDownloads
// Pairs where both download counts are known; shareMoreDownloads is the share of children
// downloaded more than their parent. Deleted models are left out. The model filters apply to
// the derivative (the child), not to its parent.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.downloads IS NOT NULL AND p.downloads IS NOT NULL
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
  AND ($relation IS NULL OR e.relation = $relation)
  AND ($architecture IS NULL OR EXISTS { (c)-[:HAS_ARCHITECTURE]->(:Architecture {name: $architecture}) })
  AND ($licenseCategory IS NULL OR coalesce(head([(c)-[:LICENSED_UNDER]->(l:License) | l.category]), 'unknown') = $licenseCategory)
  AND ($since IS NULL OR substring(toString(c.createdAt), 0, 7) >= $since)
  AND ($until IS NULL OR substring(toString(c.createdAt), 0, 7) <= $until)
RETURN e.relation AS relation, count(*) AS pairs,
       percentileCont(c.downloads, 0.5) AS medianChildDownloads,
       percentileCont(p.downloads, 0.5) AS medianParentDownloads,
       percentileCont(c.likes, 0.5) AS medianChildLikes,
       percentileCont(p.likes, 0.5) AS medianParentLikes,
       avg(CASE WHEN c.downloads > p.downloads THEN 1.0 ELSE 0.0 END) AS shareMoreDownloads
ORDER BY relation
