// Likes and downloads of derivatives against their parents, per relation.
// returns: relation, pairs, medianChildDownloads, medianParentDownloads, medianChildLikes, medianParentLikes, shareMoreDownloads
// Pairs where both download counts are known; shareMoreDownloads is the share of children
// downloaded more than their parent. Deleted models are left out.
MATCH (c:Model)-[e:DERIVED_FROM]->(p:Model)
WHERE c.downloads IS NOT NULL AND p.downloads IS NOT NULL
  AND NOT coalesce(c.deleted, false) AND NOT coalesce(p.deleted, false)
RETURN e.relation AS relation, count(*) AS pairs,
       percentileCont(c.downloads, 0.5) AS medianChildDownloads,
       percentileCont(p.downloads, 0.5) AS medianParentDownloads,
       percentileCont(c.likes, 0.5) AS medianChildLikes,
       percentileCont(p.likes, 0.5) AS medianParentLikes,
       avg(CASE WHEN c.downloads > p.downloads THEN 1.0 ELSE 0.0 END) AS shareMoreDownloads
ORDER BY relation
