namespace Drydock.Advisories.Vex;

/// <summary>The status of a VEX statement, as OpenVEX 0.2.0 names them.</summary>
public enum VexStatus
{
    /// <summary><c>not_affected</c>: the product is not affected; a justification says why.</summary>
    NotAffected,

    /// <summary><c>affected</c>: the product is affected and needs action.</summary>
    Affected,

    /// <summary><c>fixed</c>: the product contains a fix.</summary>
    Fixed,

    /// <summary><c>under_investigation</c>: the author does not know yet.</summary>
    UnderInvestigation,
}

/// <summary>
/// One OpenVEX statement: a vulnerability, the products it is about and the author's status
/// for them.
/// </summary>
public sealed record VexStatement
{
    /// <summary>The vulnerability name (a CVE id) followed by its aliases.</summary>
    public required IReadOnlyList<string> Vulnerabilities { get; init; }

    /// <summary>The products the statement covers; empty covers every product.</summary>
    public required IReadOnlyList<VexProduct> Products { get; init; }

    public required VexStatus Status { get; init; }

    /// <summary>The OpenVEX justification label of a <c>not_affected</c> statement, as written.</summary>
    public string? Justification { get; init; }

    /// <summary>The author's free-text impact statement, status notes or action statement.</summary>
    public string? Statement { get; init; }

    /// <summary>When the statement was made: its own timestamp, else its document's.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The file and position of the statement, such as <c>vex.json statements[2]</c>.</summary>
    public required string Location { get; init; }

    /// <summary>The <c>@id</c> of the document that holds the statement.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Whether the status removes a finding: <c>not_affected</c> and <c>fixed</c> do.</summary>
    public bool Suppresses => Status is VexStatus.NotAffected or VexStatus.Fixed;
}

/// <summary>
/// A product of a VEX statement: an <c>@id</c> (an image reference, a digest or a purl), the
/// identifiers and hashes that name it, and subcomponents that narrow it.
/// </summary>
public sealed record VexProduct
{
    /// <summary>The product's <c>@id</c>, when given.</summary>
    public string? Id { get; init; }

    /// <summary>The purl among its identifiers, when given.</summary>
    public string? Purl { get; init; }

    /// <summary>Hash values by algorithm name (<c>sha-256</c>), lower-case hex.</summary>
    public IReadOnlyDictionary<string, string> Hashes { get; init; } = new Dictionary<string, string>();

    /// <summary>Parts of the product the statement is about; empty means the whole product.</summary>
    public IReadOnlyList<VexProduct> Subcomponents { get; init; } = [];
}
